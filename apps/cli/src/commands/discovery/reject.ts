import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { discoveryFields } from './discovery-columns';

export interface RejectOptions {
  id: string;
  reason: string;
}

export function command(make: MakeDeps): Command {
  return new Command('reject')
    .description('Reject a discovered component (owners): not proposed again unless its attributes change')
    .argument('<id>', 'candidate id (disc_…)')
    .requiredOption('--reason <text>', 'why, kept with the decision and in the audit log')
    .action(async (id: string, opts: { reason: string }, cmd: Command) => run({ id, ...opts }, make(cmd)));
}

export async function run(opts: RejectOptions, deps: Deps): Promise<void> {
  const c = await (await deps.projectClient()).discovery.reject(opts.id, { reason: opts.reason });
  deps.out.record(discoveryFields(c), c);
}
