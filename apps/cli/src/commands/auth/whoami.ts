import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';

export type WhoamiOptions = Record<string, never>;

export function command(make: MakeDeps): Command {
  return new Command('whoami')
    .description('Show the project, user and key the CLI acts as')
    .action(async (_opts: unknown, cmd: Command) => run({}, make(cmd)));
}

export async function run(_opts: WhoamiOptions, deps: Deps): Promise<void> {
  const me = await deps.client().whoami();
  const s = deps.settings();
  deps.out.record(
    [
      ['PROJECT', me.project_slug],
      ['PROJECT_ID', me.project_id],
      ['USER', me.user.email],
      ['USER_ID', me.user.id],
      ['ROLE', me.user.role],
      ['ADMIN', me.user.is_admin],
      ['KEY', me.key_name],
      ['KEY_ID', me.key_id],
      ['SCOPES', me.scopes],
      ['BASE_URL', s.baseUrl],
      ['CONTEXT', s.apiKeySource === 'context' ? s.contextName : null],
    ],
    me,
  );
}
