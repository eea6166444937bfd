import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';

export interface DeleteOptions {
  id: string;
}

export function command(make: MakeDeps): Command {
  return new Command('delete')
    .description('Delete a webhook endpoint and its delivery history (owners only)')
    .argument('<id>', 'webhook id (wh_…)')
    .action(async (id: string, _opts: unknown, cmd: Command) => run({ id }, make(cmd)));
}

export async function run(opts: DeleteOptions, deps: Deps): Promise<void> {
  const w = await (await deps.projectClient()).webhooks.delete(opts.id);
  if (deps.out.isJson) return deps.out.json(w);
  deps.out.note(`Deleted webhook ${w.id} (${w.url}); nothing more is delivered to it.`);
}
