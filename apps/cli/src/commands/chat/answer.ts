import { Command } from 'commander';
import { UsageError } from '../../cli-error';
import type { Deps, MakeDeps } from '../../deps';
import { approvalFields, describeOutcome } from '../approvals/approval-columns';
import { askConfirmation } from '../approvals/approve';

export interface AnswerOptions {
  chat: string;
  approval: string;
  approve?: boolean | undefined;
  reject?: boolean | undefined;
  note?: string | undefined;
  /** For irreversible tools: the tool name, sent exactly as given. */
  confirm?: string | undefined;
  reason?: string | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('answer')
    .description(
      "Answer a chat's question: approve or reject the approval a tool call waits for; the turn then goes on",
    )
    .argument('<chat>', 'chat id (chat_…)')
    .argument('<approval>', 'approval id (apr_…), as the question printed it')
    .option('--approve', 'approve it (irreversible tools: type the tool name, or pass --confirm)')
    .option('--reject', 'reject it; the tool call does not run')
    .option('--note <text>', 'with --approve: a note kept with your vote')
    .option('--confirm <tool>', 'with --approve of an irreversible tool: the tool name, exactly')
    .option('--reason <text>', 'with --reject: why, kept with the decision')
    .action(
      async (chat: string, approval: string, opts: Omit<AnswerOptions, 'chat' | 'approval'>, cmd: Command) =>
        run({ chat, approval, ...opts }, make(cmd)),
    );
}

/**
 * `POST …/chats/:id/answer`, under the rules of the approvals API (who may decide, separation
 * of duties, typed confirmation), with the same output as `approvals approve|reject`.
 */
export async function run(opts: AnswerOptions, deps: Deps): Promise<void> {
  if (opts.approve === opts.reject) throw new UsageError('pass exactly one of --approve and --reject');
  if (opts.approve && opts.reason !== undefined) throw new UsageError('--reason goes with --reject');
  if (opts.reject && (opts.note !== undefined || opts.confirm !== undefined)) {
    throw new UsageError('--note and --confirm go with --approve');
  }
  const client = await deps.projectClient();
  const a = opts.approve
    ? await client.chats.answer(opts.chat, {
        approval_id: opts.approval,
        decision: 'approve',
        note: opts.note,
        confirm: opts.confirm ?? (await askConfirmation(client, opts.approval, deps)),
      })
    : await client.chats.answer(opts.chat, {
        approval_id: opts.approval,
        decision: 'reject',
        reason: opts.reason,
      });
  deps.out.record(approvalFields(a), a);
  if (deps.out.isJson) return;
  deps.out.note(describeOutcome(a));
  if (a.status !== 'pending') deps.out.note(`Follow the chat with "xeroctl chat watch ${opts.chat}".`);
}
