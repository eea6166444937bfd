import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { resolveWorkspaceId } from './resolve-workspace';
import { workspaceFields } from './workspace-columns';

export interface ResumeOptions {
  workspace: string;
}

export function command(make: MakeDeps): Command {
  return new Command('resume')
    .description('Resume dispatch for a paused workspace (owners only)')
    .argument('<workspace>', 'workspace id (ws_…) or name')
    .action(async (workspace: string, _opts: unknown, cmd: Command) => run({ workspace }, make(cmd)));
}

export async function run(opts: ResumeOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const w = await client.resumeWorkspace(await resolveWorkspaceId(client, opts.workspace));
  deps.out.record(workspaceFields(w), w);
  if (!deps.out.isJson) deps.out.note(`Resumed ${w.name}.`);
}
