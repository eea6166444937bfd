import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '@xem/protocol';
import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { printWebhookSecret } from './print-webhook-secret';
import { eventTypeList, metadataPair } from './webhook-flags';

export interface CreateOptions {
  url: string;
  events: WebhookEventType[];
  description?: string | undefined;
  metadata?: Record<string, string> | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('create')
    .description('Create a webhook endpoint; its signing secret is printed once (owners only)')
    .requiredOption(
      '--url <url>',
      'where deliveries are POSTed: https (http only to loopback in development)',
    )
    .requiredOption(
      '--events <list>',
      `event types, comma-separated, "exec." optional: ${WEBHOOK_EVENT_TYPES.join(', ')}`,
      eventTypeList,
    )
    .option('--description <text>', 'what the endpoint is for')
    .option('--metadata <key=value>', 'a label; repeat for more (at most 16)', metadataPair)
    .action(async (opts: CreateOptions, cmd: Command) => run(opts, make(cmd)));
}

export async function run(opts: CreateOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const created = await client.webhooks.create({
    url: opts.url,
    events: opts.events,
    description: opts.description,
    metadata: opts.metadata,
  });
  printWebhookSecret(deps, created, 'Created webhook');
  if (!deps.out.isJson) deps.out.note(`Check it with "xeroctl webhooks test ${created.webhook.id}".`);
}
