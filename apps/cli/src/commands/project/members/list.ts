import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../../deps';
import { MEMBER_COLUMNS } from './member-columns';

export type ListOptions = Record<string, never>;

export function command(make: MakeDeps): Command {
  return new Command('list')
    .description('List the members of the project')
    .action(async (_opts: unknown, cmd: Command) => run({}, make(cmd)));
}

export async function run(_opts: ListOptions, deps: Deps): Promise<void> {
  const page = await (await deps.projectClient()).listMembers();
  deps.out.list(page.data, MEMBER_COLUMNS, page, 'No members.');
}
