import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../../deps';

export type ListOptions = Record<string, never>;

export function command(make: MakeDeps): Command {
  return new Command('list')
    .description('List pending invitations')
    .action(async (_opts: unknown, cmd: Command) => run({}, make(cmd)));
}

export async function run(_opts: ListOptions, deps: Deps): Promise<void> {
  const page = await (await deps.projectClient()).listInvitations();
  deps.out.list(
    page.data,
    [
      { header: 'ID', value: (i) => i.id },
      { header: 'EMAIL', value: (i) => i.email },
      { header: 'ROLE', value: (i) => i.role },
      { header: 'INVITED_BY', value: (i) => i.invited_by },
      { header: 'CREATED', value: (i) => i.created_at, time: true },
      { header: 'EXPIRES', value: (i) => i.expires_at, time: true },
    ],
    page,
    'No pending invitations.',
  );
}
