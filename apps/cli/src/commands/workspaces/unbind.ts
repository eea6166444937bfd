import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { resolveWorkspaceId } from './resolve-workspace';
import { workspaceFields } from './workspace-columns';

export interface UnbindOptions {
  workspace: string;
  agent: string;
}

export function command(make: MakeDeps): Command {
  return new Command('unbind')
    .description('Stop dispatching the tools of a workspace to an agent (owners only)')
    .argument('<workspace>', 'workspace id (ws_…) or name')
    .requiredOption('--agent <id>', 'agent id (agt_…)')
    .action(async (workspace: string, opts: { agent: string }, cmd: Command) =>
      run({ workspace, agent: opts.agent }, make(cmd)),
    );
}

export async function run(opts: UnbindOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const w = await client.unbindAgent(await resolveWorkspaceId(client, opts.workspace), opts.agent);
  deps.out.record(workspaceFields(w), w);
  if (!deps.out.isJson) deps.out.note(`Unbound ${opts.agent} from ${w.name}.`);
}
