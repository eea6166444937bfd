import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../../deps';

export interface RevokeOptions {
  id: string;
}

export function command(make: MakeDeps): Command {
  return new Command('revoke')
    .description('Owners only: revoke a delegation; it stops counting from the next request')
    .argument('<delegation-id>', 'delegation id (dlg_…)')
    .action(async (id: string, _opts: unknown, cmd: Command) => run({ id }, make(cmd)));
}

export async function run(opts: RevokeOptions, deps: Deps): Promise<void> {
  const d = await (await deps.projectClient()).revokeDelegation(opts.id);
  if (deps.out.isJson) return deps.out.json(d);
  deps.out.note(`Revoked ${d.id} (${d.tier} for ${d.email}); it no longer counts.`);
}
