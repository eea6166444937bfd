import { Command, Option } from 'commander';
import type { CreateTemplateRequest } from '@xem/protocol';
import type { z } from 'zod';
import { UsageError } from '../../cli-error';
import type { Deps, MakeDeps } from '../../deps';
import { resolveWorkspaceId } from '../workspaces/resolve-workspace';
import { readTemplateFile } from './read-template-file';
import { templateFields } from './template-columns';

export interface CreateOptions {
  file: string;
  workspace?: string | undefined;
  scope?: 'platform' | 'project' | 'workspace' | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('create')
    .description('Create a template from a JSON or YAML file (owners; platform scope: system admins)')
    .requiredOption('--file <path>', "the template's fields as JSON or YAML (- reads stdin)")
    .option('--workspace <workspace>', 'make it a template of this workspace (id or name)')
    .addOption(
      new Option('--scope <scope>', "instead of the file's scope (default project)").choices([
        'platform',
        'project',
        'workspace',
      ]),
    )
    .action(async (opts: CreateOptions, cmd: Command) => run(opts, make(cmd)));
}

export async function run(opts: CreateOptions, deps: Deps): Promise<void> {
  const body = await readTemplateFile(opts.file, () => deps.io.stdin.readAll());
  if (opts.scope !== undefined) body.scope = opts.scope;
  const client = await deps.projectClient();
  if (opts.workspace !== undefined) {
    if (opts.scope !== undefined && opts.scope !== 'workspace') {
      throw new UsageError(`--workspace makes a workspace template; it cannot go with --scope ${opts.scope}`);
    }
    body.scope = 'workspace';
    body.workspace_id = await resolveWorkspaceId(client, opts.workspace);
  }
  const t = await client.templates.create(body as z.input<typeof CreateTemplateRequest>);
  deps.out.record(templateFields(t), t);
  if (!deps.out.isJson) deps.out.note(`Created ${t.scope} template ${t.name} (${t.id}), version 1.`);
}
