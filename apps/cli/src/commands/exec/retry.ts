import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { printAction } from './print-action';

export interface RetryOptions {
  id: string;
}

export function command(make: MakeDeps): Command {
  return new Command('retry')
    .description('Queue a failed, timed-out or ambiguous execution again (next attempt)')
    .argument('<id>', 'execution id (exe_…)')
    .action(async (id: string, _opts: unknown, cmd: Command) => run({ id }, make(cmd)));
}

export async function run(opts: RetryOptions, deps: Deps): Promise<void> {
  const e = await (await deps.projectClient()).retryExecution(opts.id);
  printAction(deps, e, `${e.id} is ${e.status} again, attempt ${e.attempt + 1} of ${e.max_attempts}.`);
}
