import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { printAction } from './print-action';

export interface CancelOptions {
  id: string;
}

export function command(make: MakeDeps): Command {
  return new Command('cancel')
    .description('Cancel an execution (a running one stops when its agent reports back)')
    .argument('<id>', 'execution id (exe_…)')
    .action(async (id: string, _opts: unknown, cmd: Command) => run({ id }, make(cmd)));
}

export async function run(opts: CancelOptions, deps: Deps): Promise<void> {
  const e = await (await deps.projectClient()).cancelExecution(opts.id);
  printAction(
    deps,
    e,
    e.status === 'cancelled'
      ? `Cancelled ${e.id}.`
      : `Asked the agent to stop ${e.id}; it is ${e.status} until the agent reports back ("xeroctl exec watch ${e.id}").`,
  );
}
