import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { resolveWorkspaceId } from '../workspaces/resolve-workspace';
import { agentFields } from './agent-columns';

export interface PauseExecOptions {
  id: string;
  reason: string;
  workspace?: string | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('pause-exec')
    .description('Stop dispatching to an agent, everywhere or in one workspace (owners only)')
    .argument('<id>', 'agent id (agt_…)')
    .requiredOption('--reason <text>', 'why, for the audit log and the people who find it paused')
    .option('--workspace <id|name>', 'pause only for this workspace')
    .action(async (id: string, opts: Omit<PauseExecOptions, 'id'>, cmd: Command) =>
      run({ id, ...opts }, make(cmd)),
    );
}

export async function run(opts: PauseExecOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const workspaceId =
    opts.workspace === undefined ? undefined : await resolveWorkspaceId(client, opts.workspace);
  const agent = await client.pauseAgentExec(opts.id, { reason: opts.reason, workspace_id: workspaceId });
  deps.out.record(agentFields(agent), agent);
  if (!deps.out.isJson) {
    deps.out.note(
      `Paused dispatch to ${agent.registration_name}${opts.workspace ? ` in ${opts.workspace}` : ''}; running executions finish.`,
    );
  }
}
