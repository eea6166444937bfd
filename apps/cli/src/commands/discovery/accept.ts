import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { discoveryFields } from './discovery-columns';

export interface AcceptOptions {
  id: string;
  reason?: string | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('accept')
    .description('Accept a discovered component (owners): it joins the graph')
    .argument('<id>', 'candidate id (disc_…)')
    .option('--reason <text>', 'a note kept with the decision')
    .action(async (id: string, opts: { reason?: string }, cmd: Command) => run({ id, ...opts }, make(cmd)));
}

export async function run(opts: AcceptOptions, deps: Deps): Promise<void> {
  const body = opts.reason === undefined ? {} : { reason: opts.reason };
  const c = await (await deps.projectClient()).discovery.accept(opts.id, body);
  deps.out.record(discoveryFields(c), c);
}
