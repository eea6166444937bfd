import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../../deps';
import { intInRange } from '../../../flag-parsers';
import { JOIN_KEY_COLUMNS } from './join-key-columns';

export interface ListOptions {
  limit?: number | undefined;
  after?: string | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('list')
    .description('List the join keys of the project')
    .option('--limit <n>', 'join keys per page, 1-500', intInRange(1, 500))
    .option('--after <cursor>', 'the next page: the cursor printed by the previous one')
    .action(async (opts: ListOptions, cmd: Command) => run(opts, make(cmd)));
}

export async function run(opts: ListOptions, deps: Deps): Promise<void> {
  const page = await (await deps.projectClient()).listJoinKeys({ limit: opts.limit, cursor: opts.after });
  deps.out.list(page.data, JOIN_KEY_COLUMNS, page, 'No join keys.');
  if (page.next_cursor && !deps.out.isJson) deps.out.note(`More join keys: add --after ${page.next_cursor}`);
}
