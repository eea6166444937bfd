import { Command } from 'commander';
import type { UpdateTemplateRequest } from '@xem/protocol';
import type { Deps, MakeDeps } from '../../deps';
import { readTemplateFile } from './read-template-file';
import { templateFields } from './template-columns';
import { templateIdOf, WORKSPACE_FLAG_HELP, type TemplateRef } from './template-ref';

export interface UpdateOptions extends TemplateRef {
  file: string;
}

export function command(make: MakeDeps): Command {
  return new Command('update')
    .description('Store a new version of a template from a file; fields left out are kept (owners)')
    .argument('<template>', 'template id (tpl_…) or name')
    .requiredOption('--file <path>', 'the fields to change, as JSON or YAML (- reads stdin)')
    .option('--workspace <workspace>', WORKSPACE_FLAG_HELP)
    .action(async (template: string, opts: Omit<UpdateOptions, 'template'>, cmd: Command) =>
      run({ template, ...opts }, make(cmd)),
    );
}

export async function run(opts: UpdateOptions, deps: Deps): Promise<void> {
  const body = await readTemplateFile(opts.file, () => deps.io.stdin.readAll());
  // A file saved with show carries these; only promote changes them.
  delete body.scope;
  delete body.workspace_id;
  const client = await deps.projectClient();
  const id = await templateIdOf(client, opts);
  // Only to tell the person whether anything changed: an unchanged PUT stores no version.
  const before = await client.templates.get(id);
  const t = await client.templates.update(id, body as UpdateTemplateRequest);
  deps.out.record(templateFields(t), t);
  if (deps.out.isJson) return;
  deps.out.note(
    t.version === before.version
      ? `Nothing changed: template ${t.name} (${t.id}) stays at version ${t.version}.`
      : `Stored version ${t.version} of template ${t.name} (${t.id}); fields not in the file were kept.`,
  );
}
