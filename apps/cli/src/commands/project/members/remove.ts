import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../../deps';
import { resolveMemberId } from './resolve-member';

export interface RemoveOptions {
  user: string;
}

export function command(make: MakeDeps): Command {
  return new Command('remove')
    .description('Remove a member; their keys for this project stop working')
    .argument('<user-id>', 'user id (usr_…) or the member e-mail')
    .action(async (user: string, _opts: unknown, cmd: Command) => run({ user }, make(cmd)));
}

export async function run(opts: RemoveOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const userId = await resolveMemberId(client, opts.user);
  const res = await client.removeMember(userId);
  if (deps.out.isJson) return deps.out.json({ ...res, user_id: userId });
  deps.out.note(`Removed ${opts.user} from the project.`);
}
