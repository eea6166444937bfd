import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { finishDelivery } from './finish-delivery';

export interface TestOptions {
  id: string;
}

export function command(make: MakeDeps): Command {
  return new Command('test')
    .description('Send a signed exec.test delivery now and show what the endpoint answered (owners only)')
    .argument('<id>', 'webhook id (wh_…)')
    .action(async (id: string, _opts: unknown, cmd: Command) => run({ id }, make(cmd)));
}

export async function run(opts: TestOptions, deps: Deps): Promise<void> {
  finishDelivery(deps, await (await deps.projectClient()).webhooks.test(opts.id));
}
