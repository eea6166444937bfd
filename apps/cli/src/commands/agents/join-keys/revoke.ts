import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../../deps';

export interface RevokeOptions {
  id: string;
}

export function command(make: MakeDeps): Command {
  return new Command('revoke')
    .description('Revoke a join key; agents already enrolled with it keep working (owners only)')
    .argument('<id>', 'join key id (jk_…)')
    .action(async (id: string, _opts: unknown, cmd: Command) => run({ id }, make(cmd)));
}

export async function run(opts: RevokeOptions, deps: Deps): Promise<void> {
  const key = await (await deps.projectClient()).revokeJoinKey(opts.id);
  if (deps.out.isJson) return deps.out.json(key);
  deps.out.note(`Revoked join key ${key.id} (${key.name}); enrolling with it is refused from now on.`);
}
