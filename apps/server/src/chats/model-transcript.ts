import type { ChatMessage, ExecutionDetail, Tool } from '@xem/protocol';
import type { ModelMessage, ModelTool } from './model-client';

const MAX_STDOUT_CHARS = 16_000;
const MAX_STDERR_CHARS = 4_000;

/** The chat as the model reads it: the system prompt, then every message but turn errors. */
export function modelTranscript(systemPrompt: string, messages: ChatMessage[]): ModelMessage[] {
  const out: ModelMessage[] = [];
  if (systemPrompt.trim() !== '') out.push({ role: 'system', content: systemPrompt });
  for (const m of messages) {
    if (m.role === 'user') out.push({ role: 'user', content: m.content ?? '' });
    else if (m.role === 'tool')
      out.push({ role: 'tool', tool_call_id: m.tool_call_id ?? '', content: m.content ?? '' });
    else if (m.role === 'assistant') {
      const msg: ModelMessage = { role: 'assistant', content: m.content };
      if (m.tool_calls.length > 0) {
        msg.tool_calls = m.tool_calls.map((c) => ({
          id: c.id,
          type: 'function',
          function: { name: c.name, arguments: JSON.stringify(c.arguments) },
        }));
      }
      out.push(msg);
    }
  }
  return out;
}

/** The chat's tools as function definitions: name, description with the risk, parameter schema. */
export function modelTools(tools: Tool[]): ModelTool[] {
  return tools.map((t) => ({
    type: 'function',
    function: {
      name: t.name,
      description: `${t.description} [risk: ${t.risk}${t.risk === 'read' ? '' : '; may need a human approval'}]`,
      parameters: { type: 'object', ...t.params },
    },
  }));
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}\n[… ${s.length - max} more characters]` : s;
}

/** A settled execution as the content of its tool message (JSON the model and people can read). */
export function toolResultContent(e: ExecutionDetail): string {
  return JSON.stringify({
    execution_id: e.id,
    status: e.status,
    exit_code: e.exit_code,
    stdout: clip(e.output?.stdout ?? '', MAX_STDOUT_CHARS),
    stderr: clip(e.output?.stderr ?? '', MAX_STDERR_CHARS),
    error: e.error,
  });
}

/** A call refused before it ran, as the content of its tool message. */
export function toolRefusalContent(code: string, message: string): string {
  return JSON.stringify({ status: 'refused', error: { code, message } });
}
