import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { intInRange } from '../../flag-parsers';
import { fetchPages, noteMore, type PageOptions } from '../../list-pages';
import { CHAT_COLUMNS } from './chat-columns';

export interface ListOptions extends PageOptions {
  workspace?: string | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('list')
    .description("List the project's chats, newest first")
    .option('--workspace <id|name>', "only this workspace's chats")
    .option('--limit <n>', 'chats per page, 1-500; without it every page is fetched', intInRange(1, 500))
    .option('--after <cursor>', 'start after this cursor (printed as "more: --after …" by a --limit page)')
    .action(async (opts: ListOptions, cmd: Command) => run(opts, make(cmd)));
}

export async function run(opts: ListOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const page = await fetchPages(opts, (q) => client.chats.list({ ...q, workspace: opts.workspace }));
  deps.out.list(page.data, CHAT_COLUMNS, page, 'No chats.');
  noteMore(deps.out, page);
}
