import type { XemClient } from '@xem/client';
import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { fetchPages } from '../../list-pages';
import { chatFields } from './chat-columns';
import { answerCommand, Transcript } from './transcript';

export function command(make: MakeDeps): Command {
  return new Command('show')
    .description('Show a chat and its whole transcript; says which approvals it waits for')
    .argument('<chat>', 'chat id (chat_…)')
    .action(async (chat: string, _opts: unknown, cmd: Command) => run({ chat }, make(cmd)));
}

/**
 * The chat's fields, a blank line, then every message in order (`-o json`: `{"chat",
 * "messages"}`). While the turn waits for an approval, the approvals and the commands that
 * answer them go to stderr.
 */
export async function run(opts: { chat: string }, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const chat = await client.chats.get(opts.chat);
  const messages = (await fetchPages({}, (q) => client.chats.messages(chat.id, q))).data;
  if (deps.out.isJson) deps.out.json({ chat, messages });
  else {
    deps.out.record(chatFields(chat), chat);
    const transcript = new Transcript(chat.id);
    deps.out.line('');
    for (const m of messages) for (const line of transcript.message(m)) deps.out.line(line);
  }
  if (chat.turn_status === 'waiting_approval') await noteWaiting(deps, client, chat.id);
}

async function noteWaiting(deps: Deps, client: XemClient, chatId: string): Promise<void> {
  const page = await client.listExecutions({ chat: chatId, status: ['pending_approval'], limit: 50 });
  for (const e of page.data) {
    if (!e.approval_id) continue;
    const q = { approval_id: e.approval_id, tool: e.tool, confirm_required: e.risk === 'irreversible' };
    deps.out.note(
      `Waiting for approval ${e.approval_id}: ${e.tool} ${JSON.stringify(e.args)} (${e.risk}), execution ${e.id}. Answer with:\n  ${answerCommand(chatId, q, 'approve')}\n  ${answerCommand(chatId, q, 'reject')}`,
    );
  }
}
