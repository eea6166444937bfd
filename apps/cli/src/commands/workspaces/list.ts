import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { intInRange } from '../../flag-parsers';
import { WORKSPACE_COLUMNS } from './workspace-columns';

export interface ListOptions {
  limit?: number | undefined;
  after?: string | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('list')
    .description('List the workspaces of the project')
    .option('--limit <n>', 'workspaces per page, 1-500', intInRange(1, 500))
    .option('--after <cursor>', 'the next page: the cursor printed by the previous one')
    .action(async (opts: ListOptions, cmd: Command) => run(opts, make(cmd)));
}

export async function run(opts: ListOptions, deps: Deps): Promise<void> {
  const page = await (await deps.projectClient()).listWorkspaces({ limit: opts.limit, cursor: opts.after });
  deps.out.list(page.data, WORKSPACE_COLUMNS, page, 'No workspaces.');
  if (page.next_cursor && !deps.out.isJson) deps.out.note(`More workspaces: add --after ${page.next_cursor}`);
}
