import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../../deps';

export interface RevokeOptions {
  id: string;
}

export function command(make: MakeDeps): Command {
  return new Command('revoke')
    .description('Revoke a pending invitation; its link stops working')
    .argument('<id>', 'invitation id (inv_…)')
    .action(async (id: string, _opts: unknown, cmd: Command) => run({ id }, make(cmd)));
}

export async function run(opts: RevokeOptions, deps: Deps): Promise<void> {
  const res = await (await deps.projectClient()).revokeInvitation(opts.id);
  if (deps.out.isJson) return deps.out.json({ ...res, invitation_id: opts.id });
  deps.out.note(`Revoked invitation ${opts.id}.`);
}
