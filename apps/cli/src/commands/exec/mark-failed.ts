import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { printAction } from './print-action';

export interface MarkFailedOptions {
  id: string;
}

export function command(make: MakeDeps): Command {
  return new Command('mark-failed')
    .description('Record that an ambiguous execution did not take effect (it becomes failed)')
    .argument('<id>', 'execution id (exe_…)')
    .action(async (id: string, _opts: unknown, cmd: Command) => run({ id }, make(cmd)));
}

export async function run(opts: MarkFailedOptions, deps: Deps): Promise<void> {
  const e = await (await deps.projectClient()).markExecutionFailed(opts.id);
  printAction(deps, e, `Marked ${e.id} failed.`);
}
