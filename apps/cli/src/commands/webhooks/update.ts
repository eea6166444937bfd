import type { UpdateWebhookRequest, WebhookEventType } from '@xem/protocol';
import { Command } from 'commander';
import { UsageError } from '../../cli-error';
import type { Deps, MakeDeps } from '../../deps';
import { webhookFields } from './webhook-columns';
import { eventTypeList, metadataPair } from './webhook-flags';

export interface UpdateOptions {
  id: string;
  url?: string | undefined;
  events?: WebhookEventType[] | undefined;
  description?: string | undefined;
  metadata?: Record<string, string> | undefined;
  clearMetadata?: boolean | undefined;
  enable?: boolean | undefined;
  disable?: boolean | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('update')
    .description('Change a webhook endpoint; each flag replaces that field (owners only)')
    .argument('<id>', 'webhook id (wh_…)')
    .option('--url <url>', 'new URL')
    .option('--events <list>', 'the new list of event types, comma-separated', eventTypeList)
    .option('--description <text>', 'new description')
    .option('--metadata <key=value>', 'the new labels, replacing all of them; repeat for more', metadataPair)
    .option('--clear-metadata', 'remove every label')
    .option('--enable', 'deliver again (pending deliveries go out)')
    .option('--disable', 'stop delivering; events meanwhile are not delivered later')
    .action(async (id: string, opts: Omit<UpdateOptions, 'id'>, cmd: Command) =>
      run({ id, ...opts }, make(cmd)),
    );
}

export async function run(opts: UpdateOptions, deps: Deps): Promise<void> {
  if (opts.enable && opts.disable) throw new UsageError('--enable and --disable exclude each other');
  if (opts.metadata && opts.clearMetadata)
    throw new UsageError('--metadata and --clear-metadata exclude each other');
  const body: UpdateWebhookRequest = {
    ...(opts.url === undefined ? {} : { url: opts.url }),
    ...(opts.events === undefined ? {} : { events: opts.events }),
    ...(opts.description === undefined ? {} : { description: opts.description }),
    ...(opts.metadata === undefined ? {} : { metadata: opts.metadata }),
    ...(opts.clearMetadata ? { metadata: {} } : {}),
    ...(opts.enable ? { enabled: true } : opts.disable ? { enabled: false } : {}),
  };
  if (Object.keys(body).length === 0) {
    throw new UsageError(
      'nothing to change: give --url, --events, --description, --metadata, --enable or --disable',
    );
  }
  const w = await (await deps.projectClient()).webhooks.update(opts.id, body);
  deps.out.record(webhookFields(w), w);
}
