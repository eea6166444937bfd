import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { resolveWorkspaceId } from './resolve-workspace';
import { workspaceFields } from './workspace-columns';

export interface BindOptions {
  workspace: string;
  agent: string;
}

export function command(make: MakeDeps): Command {
  return new Command('bind')
    .description('Let an agent run the tools of a workspace (owners only)')
    .argument('<workspace>', 'workspace id (ws_…) or name')
    .requiredOption('--agent <id>', 'agent id (agt_…)')
    .action(async (workspace: string, opts: { agent: string }, cmd: Command) =>
      run({ workspace, agent: opts.agent }, make(cmd)),
    );
}

export async function run(opts: BindOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const w = await client.bindAgent(await resolveWorkspaceId(client, opts.workspace), opts.agent);
  deps.out.record(workspaceFields(w), w);
  if (!deps.out.isJson) deps.out.note(`Bound ${opts.agent} to ${w.name}.`);
}
