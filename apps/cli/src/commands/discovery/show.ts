import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { discoveryFields } from './discovery-columns';

export interface ShowOptions {
  id: string;
}

export function command(make: MakeDeps): Command {
  return new Command('show')
    .description('Show one discovered component and the decision on it')
    .argument('<id>', 'candidate id (disc_…)')
    .action(async (id: string, _opts: unknown, cmd: Command) => run({ id }, make(cmd)));
}

export async function run(opts: ShowOptions, deps: Deps): Promise<void> {
  const c = await (await deps.projectClient()).discovery.get(opts.id);
  deps.out.record(discoveryFields(c), c);
}
