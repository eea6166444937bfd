import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { printWebhookSecret } from './print-webhook-secret';

export interface RotateSecretOptions {
  id: string;
}

export function command(make: MakeDeps): Command {
  return new Command('rotate-secret')
    .description('Replace the signing secret now; the new one is printed once (owners only)')
    .argument('<id>', 'webhook id (wh_…)')
    .action(async (id: string, _opts: unknown, cmd: Command) => run({ id }, make(cmd)));
}

export async function run(opts: RotateSecretOptions, deps: Deps): Promise<void> {
  const created = await (await deps.projectClient()).webhooks.rotateSecret(opts.id);
  printWebhookSecret(deps, created, 'New signing secret for');
  if (!deps.out.isJson) {
    deps.out.note('Every attempt from now on is signed with it; deliveries refused meanwhile are retried.');
  }
}
