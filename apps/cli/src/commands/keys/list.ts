import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { KEY_COLUMNS } from './key-columns';

export type ListOptions = Record<string, never>;

export function command(make: MakeDeps): Command {
  return new Command('list')
    .description('List the API keys of the project (owners only)')
    .action(async (_opts: unknown, cmd: Command) => run({}, make(cmd)));
}

export async function run(_opts: ListOptions, deps: Deps): Promise<void> {
  const page = await (await deps.projectClient()).listKeys();
  deps.out.list(page.data, KEY_COLUMNS, page, 'No API keys.');
}
