import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { intInRange } from '../../flag-parsers';
import { AGENT_COLUMNS } from './agent-columns';

export interface ListOptions {
  limit?: number | undefined;
  after?: string | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('list')
    .description('List the enrolled agents of the project')
    .option('--limit <n>', 'agents per page, 1-500', intInRange(1, 500))
    .option('--after <cursor>', 'the next page: the cursor printed by the previous one')
    .action(async (opts: ListOptions, cmd: Command) => run(opts, make(cmd)));
}

export async function run(opts: ListOptions, deps: Deps): Promise<void> {
  const page = await (await deps.projectClient()).listAgents({ limit: opts.limit, cursor: opts.after });
  deps.out.list(
    page.data,
    AGENT_COLUMNS,
    page,
    'No agents: enroll one with "xeroctl agents join-keys create".',
  );
  if (page.next_cursor && !deps.out.isJson) deps.out.note(`More agents: add --after ${page.next_cursor}`);
}
