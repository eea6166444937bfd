import { RegistrationName } from '@xem/protocol';
import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../../deps';
import { intInRange } from '../../../flag-parsers';
import { resolveWorkspaceId } from '../../workspaces/resolve-workspace';

export interface CreateOptions {
  name?: string | undefined;
  region?: string | undefined;
  ttlHours?: number | undefined;
  maxUses?: number | undefined;
  workspace?: string | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('create')
    .description('Create a join key for enrolling agents; the key is printed once (owners only)')
    .option('--name <name>', 'what the key is for (default "join key")')
    .option('--region <region>', 'region of the agents that use it (default "default")')
    .option('--ttl-hours <n>', 'valid for n hours, 1-8760 (default 24)', intInRange(1, 8760))
    .option('--max-uses <n>', 'how many agents may enroll with it, 1-10000 (default 1)', intInRange(1, 10000))
    .option(
      '--workspace <id|name>',
      "bind enrolled agents to this workspace (default: the project's default)",
    )
    .action(async (opts: CreateOptions, cmd: Command) => run(opts, make(cmd)));
}

/**
 * Like `keys create`: the key alone on stdout so `KEY=$(…)` works, the rest on stderr —
 * including a command line that starts an agent with it, which is what one does next.
 */
export async function run(opts: CreateOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const workspaceId =
    opts.workspace === undefined ? undefined : await resolveWorkspaceId(client, opts.workspace);
  const created = await client.createJoinKey({
    name: opts.name,
    region: opts.region,
    ttl_hours: opts.ttlHours,
    max_uses: opts.maxUses,
    workspace_id: workspaceId,
  });
  if (deps.out.isJson) return deps.out.json(created);
  const k = created.join_key;
  deps.out.note(
    `Created join key ${k.name} (${k.id}), region ${k.region}, ${k.max_uses} use(s), expires ${k.expires_at}` +
      `${k.workspace_id ? `, binds agents to ${k.workspace_id}` : ''}.`,
  );
  deps.out.note('Copy the key now: it will not be shown again. Start an agent with it:');
  deps.out.note(
    `  XEM_ROUTER_URL=${deps.settings().baseUrl} XEM_JOIN_KEY=${created.key} XEM_REGISTRATION_NAME=${registrationName(opts.name)} npx xem-agent`,
  );
  if (k.max_uses > 1) deps.out.note('Give each agent its own XEM_REGISTRATION_NAME.');
  deps.out.line(created.key);
}

/** A valid agent name from the key's name (`Rack 4` → `rack-4`), else a neutral one. */
export function registrationName(keyName: string | undefined): string {
  const slug = (keyName ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, 48)
    .replace(/^-+|-+$/g, '');
  return slug && RegistrationName.safeParse(slug).success ? slug : 'agent-1';
}
