import { Command, Option } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { templateFields } from './template-columns';
import { templateIdOf, WORKSPACE_FLAG_HELP, type TemplateRef } from './template-ref';

export interface PromoteOptions extends TemplateRef {
  scope: 'platform' | 'project';
}

export function command(make: MakeDeps): Command {
  return new Command('promote')
    .description(
      'Widen a template: workspace → project (owners), → platform for every project (system admins)',
    )
    .argument('<template>', 'template id (tpl_…) or name')
    .addOption(
      new Option('--scope <scope>', 'the new scope').choices(['platform', 'project']).makeOptionMandatory(),
    )
    .option('--workspace <workspace>', WORKSPACE_FLAG_HELP)
    .action(async (template: string, opts: Omit<PromoteOptions, 'template'>, cmd: Command) =>
      run({ template, ...opts }, make(cmd)),
    );
}

export async function run(opts: PromoteOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const t = await client.templates.promote(await templateIdOf(client, opts), opts.scope);
  deps.out.record(templateFields(t), t);
  if (!deps.out.isJson) deps.out.note(`Template ${t.name} (${t.id}) is now a ${t.scope} template.`);
}
