import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { intInRange } from '../../flag-parsers';
import { fetchPages, noteMore, type PageOptions } from '../../list-pages';
import { AGENT_COLUMNS } from './agent-columns';

export type ListOptions = PageOptions;

export function command(make: MakeDeps): Command {
  return new Command('list')
    .description('List the enrolled agents of the project')
    .option('--limit <n>', 'agents per page, 1-500; without it every page is fetched', intInRange(1, 500))
    .option('--after <cursor>', 'start after this cursor (printed as "more: --after …" by a --limit page)')
    .action(async (opts: ListOptions, cmd: Command) => run(opts, make(cmd)));
}

export async function run(opts: ListOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const page = await fetchPages(opts, (q) => client.listAgents(q));
  deps.out.list(
    page.data,
    AGENT_COLUMNS,
    page,
    'No agents: enroll one with "xeroctl agents join-keys create".',
  );
  noteMore(deps.out, page);
}
