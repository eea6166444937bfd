import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { finishDelivery } from './finish-delivery';

export interface RedeliverOptions {
  id: string;
  deliveryId: string;
}

export function command(make: MakeDeps): Command {
  return new Command('redeliver')
    .description('Send a succeeded or failed delivery again now, same body and event id (owners only)')
    .argument('<id>', 'webhook id (wh_…)')
    .argument('<delivery-id>', 'delivery id (whd_…)')
    .action(async (id: string, deliveryId: string, _opts: unknown, cmd: Command) =>
      run({ id, deliveryId }, make(cmd)),
    );
}

export async function run(opts: RedeliverOptions, deps: Deps): Promise<void> {
  finishDelivery(deps, await (await deps.projectClient()).webhooks.redeliver(opts.id, opts.deliveryId));
}
