import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { workspaceFields } from './workspace-columns';

export interface CreateOptions {
  name: string;
  type?: string | undefined;
  description?: string | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('create')
    .description('Create a workspace (owners only)')
    .argument('<name>', 'letters, digits, spaces, dots, dashes and underscores')
    .option('--type <type>', 'a lowercase word such as linux or kubernetes (default generic)')
    .option('--description <text>', 'what the workspace is for')
    .action(async (name: string, opts: Omit<CreateOptions, 'name'>, cmd: Command) =>
      run({ name, ...opts }, make(cmd)),
    );
}

export async function run(opts: CreateOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const w = await client.createWorkspace({ name: opts.name, type: opts.type, description: opts.description });
  deps.out.record(workspaceFields(w), w);
  if (!deps.out.isJson)
    deps.out.note(`Created workspace ${w.name} (${w.id}); bind agents with "xeroctl workspaces bind".`);
}
