import type { ChatStreamEvent } from '@xem/client';
import type { ChatMessage, ChatQuestion } from '@xem/protocol';

/**
 * How chat messages read on stdout: `role: text`, continuation lines indented by two spaces so a
 * multi-line answer stays one block. Tool calls and results name the tool, the call and the
 * execution, so that `xeroctl exec show <id>` finds them.
 */
export class Transcript {
  /** Tool call id → tool name, so that a result names the tool it answers. */
  private readonly toolNames = new Map<string, string>();

  constructor(private readonly chatId: string) {}

  /** The lines of one stored message. */
  message(m: ChatMessage): string[] {
    switch (m.role) {
      case 'user':
        return block('user', m.content ?? '');
      case 'assistant': {
        const who = m.author ? `operator ${m.author.user_id ?? m.author.key_id}` : 'assistant';
        const lines = m.content ? block(who, m.content) : [];
        for (const call of m.tool_calls) {
          this.toolNames.set(call.id, call.name);
          const ran = call.execution_id ? `execution ${call.execution_id}` : 'refused, no execution';
          lines.push(
            `${who}: calls ${call.name} ${JSON.stringify(call.arguments)} (call ${call.id}, ${ran})`,
          );
        }
        return lines;
      }
      case 'tool': {
        const name = (m.tool_call_id && this.toolNames.get(m.tool_call_id)) ?? 'tool';
        const refs = [m.tool_call_id ? `call ${m.tool_call_id}` : null, m.execution_id]
          .filter(Boolean)
          .join(', ');
        return toolResult(`result of ${name}${refs ? ` (${refs})` : ''}`, m.content ?? '');
      }
      case 'error':
        return block('error', m.content ?? '');
    }
  }

  /** An `x_ask_user.question`: what waits, and the exact commands that answer it. */
  question(q: ChatQuestion): string[] {
    const expires = q.expires_at ? `, expires ${q.expires_at}` : '';
    return [
      ...block('question', q.question),
      `  approval ${q.approval_id}: ${q.tool} ${JSON.stringify(q.args)} (${q.risk}), execution ${q.execution_id}${expires}`,
      `  approve: ${answerCommand(this.chatId, q, 'approve')}`,
      `  reject:  ${answerCommand(this.chatId, q, 'reject')}`,
    ];
  }

  /** The lines of a frame of the chat streams; connection and turn frames have none. */
  event(e: ChatStreamEvent): string[] {
    switch (e.event) {
      case 'chat.message':
        return this.message(e.data.message);
      case 'x_ask_user.question':
        return this.question(e.data);
      default:
        return [];
    }
  }
}

/**
 * `xeroctl chat answer <chat> <approval> --approve [--confirm <tool>]` (irreversible tools need
 * their name typed) or `… --reject --reason "…"`.
 */
export function answerCommand(
  chatId: string,
  q: Pick<ChatQuestion, 'approval_id' | 'tool' | 'confirm_required'>,
  decision: 'approve' | 'reject',
): string {
  const base = `xeroctl chat answer ${chatId} ${q.approval_id}`;
  if (decision === 'reject') return `${base} --reject --reason "…"`;
  return `${base} --approve${q.confirm_required ? ` --confirm ${q.tool}` : ''}`;
}

/** One JSON object per line, `{"id", "event", "data"}`, as `chat watch --json` prints frames. */
export function formatFrameJson(e: { id: string | null; event: string; data: unknown }): string {
  return JSON.stringify({ id: e.id, event: e.event, data: e.data });
}

/**
 * A tool message: the server's JSON for the model (`{"status", "exit_code", "stdout", "stderr",
 * "error"}`) read back as the status on the label's line and the output below it, stdout indented
 * by two spaces and stderr after a `  stderr:` line; any other content as it is.
 */
function toolResult(label: string, content: string): string[] {
  const r = parseResult(content);
  if (!r) return block(label, content);
  const exit = typeof r.exit_code === 'number' ? `, exit ${r.exit_code}` : '';
  const error = r.error ? `: ${r.error.message} (${r.error.code})` : '';
  const lines = [`${label}: ${r.status}${exit}${error}`];
  const indent = (text: string, by: string) =>
    text
      .replace(/\r\n?/g, '\n')
      .replace(/\n+$/, '')
      .split('\n')
      .map((l) => `${by}${l}`.trimEnd());
  if (r.stdout) lines.push(...indent(r.stdout, '  '));
  if (r.stderr) lines.push('  stderr:', ...indent(r.stderr, '    '));
  return lines;
}

interface ToolResult {
  status: string;
  exit_code?: number | null;
  stdout?: string;
  stderr?: string;
  error?: { code: string; message: string } | null;
}

function parseResult(content: string): ToolResult | null {
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || typeof (value as ToolResult).status !== 'string')
    return null;
  const r = value as ToolResult;
  const text = (v: unknown) => v === undefined || typeof v === 'string';
  const error = r.error;
  if (!text(r.stdout) || !text(r.stderr)) return null;
  if (error != null && (typeof error.code !== 'string' || typeof error.message !== 'string')) return null;
  return r;
}

/** `label: first line`, then the other lines indented by two spaces. */
function block(label: string, text: string): string[] {
  const [first = '', ...rest] = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
  return [`${label}: ${first}`.trimEnd(), ...rest.map((l) => `  ${l}`.trimEnd())];
}
