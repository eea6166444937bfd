import { ProjectRole } from '@xem/protocol';
import { Command, Option } from 'commander';
import type { Deps, MakeDeps } from '../../../deps';
import { readSecret } from '../../../read-secret';
import { MEMBER_COLUMNS } from './member-columns';

export interface AddOptions {
  email: string;
  role: ProjectRole;
  name?: string | undefined;
  initialPasswordStdin?: boolean | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('add')
    .description('Add a user to the project; an unknown e-mail gets a one-time invitation link')
    .argument('<email>', 'e-mail of the user')
    .addOption(new Option('--role <role>', 'project role').choices(ProjectRole.options).default('member'))
    .option('--name <name>', 'display name, for a user created here')
    .option(
      '--initial-password-stdin',
      'admins only: create the user with a password read from stdin (changed at first sign-in)',
    )
    .action(async (email: string, opts: Omit<AddOptions, 'email'>, cmd: Command) =>
      run({ email, ...opts }, make(cmd)),
    );
}

export async function run(opts: AddOptions, deps: Deps): Promise<void> {
  const initialPassword =
    opts.initialPasswordStdin === true
      ? await readSecret(deps.io, { fromStdin: true, prompt: '', flag: '--initial-password-stdin' })
      : undefined;
  const client = await deps.projectClient();
  const res = await client.addMember({
    email: opts.email,
    role: opts.role,
    name: opts.name,
    initial_password: initialPassword,
  });
  if (deps.out.isJson) return deps.out.json(res);
  if (res.member) {
    deps.out.list([res.member], MEMBER_COLUMNS, res);
    deps.out.note(`Added ${res.member.email} as ${res.member.role}.`);
    if (initialPassword) deps.out.note('They must change the initial password at their first sign-in.');
    return;
  }
  if (res.invitation && res.invite_url) {
    deps.out.note(
      `${res.invitation.email} has no account yet: invitation ${res.invitation.id} (${res.invitation.role}) ` +
        `expires ${res.invitation.expires_at}. Send them this one-time link; it is not shown again:`,
    );
    deps.out.line(res.invite_url);
  }
}
