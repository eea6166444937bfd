import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { resolveWorkspaceId } from './resolve-workspace';
import { workspaceFields } from './workspace-columns';

export interface PauseOptions {
  workspace: string;
  reason: string;
}

export function command(make: MakeDeps): Command {
  return new Command('pause')
    .description('Stop dispatch for a workspace; new executions wait queued (owners only)')
    .argument('<workspace>', 'workspace id (ws_…) or name')
    .requiredOption('--reason <text>', 'why, for the audit log and the people who find it paused')
    .action(async (workspace: string, opts: { reason: string }, cmd: Command) =>
      run({ workspace, reason: opts.reason }, make(cmd)),
    );
}

export async function run(opts: PauseOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const w = await client.pauseWorkspace(await resolveWorkspaceId(client, opts.workspace), {
    reason: opts.reason,
  });
  deps.out.record(workspaceFields(w), w);
  if (!deps.out.isJson)
    deps.out.note(`Paused ${w.name}: nothing is dispatched until "xeroctl workspaces resume ${w.name}".`);
}
