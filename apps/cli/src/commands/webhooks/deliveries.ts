import { WebhookDeliveryStatus } from '@xem/protocol';
import { Command, Option } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { intInRange } from '../../flag-parsers';
import { fetchPages, noteMore, type PageOptions } from '../../list-pages';
import { DELIVERY_COLUMNS, deliveryFields } from './webhook-columns';

export interface DeliveriesOptions extends PageOptions {
  id: string;
  deliveryId?: string | undefined;
  status?: WebhookDeliveryStatus | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('deliveries')
    .description("List a webhook's deliveries, newest first, or show one with every attempt")
    .argument('<id>', 'webhook id (wh_…)')
    .argument('[delivery-id]', 'show this delivery (whd_…): its attempts and the exact body sent')
    .addOption(
      new Option('--status <status>', 'only deliveries in this status').choices(
        WebhookDeliveryStatus.options,
      ),
    )
    .option('--limit <n>', 'deliveries per page, 1-500; without it every page is fetched', intInRange(1, 500))
    .option('--after <cursor>', 'start after this cursor (printed as "more: --after …" by a --limit page)')
    .action(
      async (id: string, deliveryId: string | undefined, opts: Omit<DeliveriesOptions, 'id'>, cmd: Command) =>
        run({ id, deliveryId, ...opts }, make(cmd)),
    );
}

export async function run(opts: DeliveriesOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  if (opts.deliveryId !== undefined) {
    const d = await client.webhooks.getDelivery(opts.id, opts.deliveryId);
    return deps.out.record(deliveryFields(d), d);
  }
  const page = await fetchPages(opts, (q) =>
    client.webhooks.listDeliveries(opts.id, { ...q, status: opts.status }),
  );
  deps.out.list(page.data, DELIVERY_COLUMNS, page, 'No deliveries.');
  noteMore(deps.out, page);
}
