import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';

export interface RevokeOptions {
  id: string;
}

export function command(make: MakeDeps): Command {
  return new Command('revoke')
    .description('Revoke an API key at once; requests with it get 401 from now on')
    .argument('<id>', 'key id (key_…)')
    .action(async (id: string, _opts: unknown, cmd: Command) => run({ id }, make(cmd)));
}

export async function run(opts: RevokeOptions, deps: Deps): Promise<void> {
  const key = await (await deps.projectClient()).revokeKey(opts.id);
  if (deps.out.isJson) return deps.out.json(key);
  deps.out.note(`Revoked ${key.id} (${key.name}); requests with it are refused from now on.`);
}
