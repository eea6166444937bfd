import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { resolveWorkspaceId } from '../workspaces/resolve-workspace';
import { agentFields } from './agent-columns';

export interface ResumeExecOptions {
  id: string;
  workspace?: string | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('resume-exec')
    .description('Resume dispatching to a paused agent, everywhere or in one workspace (owners only)')
    .argument('<id>', 'agent id (agt_…)')
    .option('--workspace <id|name>', 'resume only for this workspace')
    .action(async (id: string, opts: Omit<ResumeExecOptions, 'id'>, cmd: Command) =>
      run({ id, ...opts }, make(cmd)),
    );
}

export async function run(opts: ResumeExecOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const workspaceId =
    opts.workspace === undefined ? undefined : await resolveWorkspaceId(client, opts.workspace);
  const agent = await client.resumeAgentExec(opts.id, { workspace_id: workspaceId });
  deps.out.record(agentFields(agent), agent);
  if (!deps.out.isJson) {
    deps.out.note(
      `Resumed dispatch to ${agent.registration_name}${opts.workspace ? ` in ${opts.workspace}` : ''}.`,
    );
  }
}
