import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { webhookFields } from './webhook-columns';

export interface ShowOptions {
  id: string;
}

export function command(make: MakeDeps): Command {
  return new Command('show')
    .description('Show one webhook endpoint (its secret is never shown again)')
    .argument('<id>', 'webhook id (wh_…)')
    .action(async (id: string, _opts: unknown, cmd: Command) => run({ id }, make(cmd)));
}

export async function run(opts: ShowOptions, deps: Deps): Promise<void> {
  const w = await (await deps.projectClient()).webhooks.get(opts.id);
  deps.out.record(webhookFields(w), w);
}
