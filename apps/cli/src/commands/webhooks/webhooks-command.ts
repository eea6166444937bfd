import { Command } from 'commander';
import type { MakeDeps } from '../../deps';
import * as create from './create';
import * as deleteWebhook from './delete';
import * as deliveries from './deliveries';
import * as list from './list';
import * as redeliver from './redeliver';
import * as rotateSecret from './rotate-secret';
import * as show from './show';
import * as test from './test';
import * as update from './update';

export function webhooksCommand(make: MakeDeps): Command {
  return new Command('webhooks')
    .description('Manage webhook endpoints: exec.* events POSTed, signed, to your URLs')
    .addCommand(list.command(make))
    .addCommand(show.command(make))
    .addCommand(create.command(make))
    .addCommand(update.command(make))
    .addCommand(deleteWebhook.command(make))
    .addCommand(rotateSecret.command(make))
    .addCommand(test.command(make))
    .addCommand(deliveries.command(make))
    .addCommand(redeliver.command(make));
}
