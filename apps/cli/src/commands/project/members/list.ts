import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../../deps';
import { intInRange } from '../../../flag-parsers';
import { fetchPages, noteMore, type PageOptions } from '../../../list-pages';
import { MEMBER_COLUMNS } from './member-columns';

export type ListOptions = PageOptions;

export function command(make: MakeDeps): Command {
  return new Command('list')
    .description('List the members of the project')
    .option('--limit <n>', 'members per page, 1-500; without it every page is fetched', intInRange(1, 500))
    .option('--after <cursor>', 'start after this cursor (printed as "more: --after …" by a --limit page)')
    .action(async (opts: ListOptions, cmd: Command) => run(opts, make(cmd)));
}

export async function run(opts: ListOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const page = await fetchPages(opts, (q) => client.listMembers(q));
  deps.out.list(page.data, MEMBER_COLUMNS, page, 'No members.');
  noteMore(deps.out, page);
}
