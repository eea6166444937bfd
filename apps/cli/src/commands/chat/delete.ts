import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';

export function command(make: MakeDeps): Command {
  return new Command('delete')
    .description('Delete a chat and its messages; its executions stay (no longer linked to it)')
    .argument('<chat>', 'chat id (chat_…)')
    .action(async (chat: string, _opts: unknown, cmd: Command) => run({ chat }, make(cmd)));
}

export async function run(opts: { chat: string }, deps: Deps): Promise<void> {
  await (await deps.projectClient()).chats.delete(opts.chat);
  if (deps.out.isJson) return deps.out.json({ id: opts.chat, deleted: true });
  deps.out.note(`Deleted chat ${opts.chat}; its executions stay in "xeroctl exec list".`);
}
