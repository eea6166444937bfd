import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { resolveWorkspaceId } from './resolve-workspace';
import { workspaceFields } from './workspace-columns';

export interface ShowOptions {
  workspace: string;
}

export function command(make: MakeDeps): Command {
  return new Command('show')
    .description('Show one workspace')
    .argument('<workspace>', 'workspace id (ws_…) or name')
    .action(async (workspace: string, _opts: unknown, cmd: Command) => run({ workspace }, make(cmd)));
}

export async function run(opts: ShowOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const w = await client.getWorkspace(await resolveWorkspaceId(client, opts.workspace));
  deps.out.record(workspaceFields(w), w);
}
