import { ProjectRole } from '@xem/protocol';
import { Argument, Command } from 'commander';
import type { Deps, MakeDeps } from '../../../deps';
import { MEMBER_COLUMNS } from './member-columns';
import { resolveMemberId } from './resolve-member';

export interface SetRoleOptions {
  user: string;
  role: ProjectRole;
}

export function command(make: MakeDeps): Command {
  return new Command('set-role')
    .description("Change a member's role; the project always keeps one owner")
    .argument('<user-id>', 'user id (usr_…) or the member e-mail')
    .addArgument(new Argument('<role>', 'new role').choices(ProjectRole.options))
    .action(async (user: string, role: ProjectRole, _opts: unknown, cmd: Command) =>
      run({ user, role }, make(cmd)),
    );
}

export async function run(opts: SetRoleOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const member = await client.setMemberRole(await resolveMemberId(client, opts.user), opts.role);
  deps.out.list([member], MEMBER_COLUMNS, member);
  if (!deps.out.isJson)
    deps.out.note(`${member.email} is now ${member.role}; their dashboard sessions were ended.`);
}
