import { DiscoveryStatus } from '@xem/protocol';
import { Command, Option } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { intInRange } from '../../flag-parsers';
import { fetchPages, noteMore } from '../../list-pages';
import { DISCOVERY_COLUMNS } from './discovery-columns';

export interface ListOptions {
  status?: DiscoveryStatus | undefined;
  agent?: string | undefined;
  kind?: string | undefined;
  limit?: number | undefined;
  after?: string | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('list')
    .description('List components the agents discovered, newest first')
    .addOption(new Option('--status <status>', 'only this status').choices(DiscoveryStatus.options))
    .option('--agent <id>', 'only components of this agent (agt_…)')
    .option('--kind <kind>', 'only this kind (e.g. tcp_listener)')
    .option('--limit <n>', 'candidates per page, 1-500; without it every page is fetched', intInRange(1, 500))
    .option('--after <cursor>', 'start after this cursor (printed as "more: --after …" by a --limit page)')
    .action(async (opts: ListOptions, cmd: Command) => run(opts, make(cmd)));
}

export async function run(opts: ListOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const { status, agent, kind } = opts;
  const page = await fetchPages(opts, (q) => client.discovery.list({ ...q, status, agent, kind }));
  deps.out.list(page.data, DISCOVERY_COLUMNS, page, 'No discovered components.');
  noteMore(deps.out, page);
}
