import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { intInRange } from '../../flag-parsers';
import { templateFields, versionFields } from './template-columns';
import { templateIdOf, WORKSPACE_FLAG_HELP, type TemplateRef } from './template-ref';

export interface ShowOptions extends TemplateRef {
  templateVersion?: number | undefined;
}

export function command(make: MakeDeps): Command {
  return (
    new Command('show')
      .description('Show a template with its current version, or one of its versions')
      .argument('<template>', 'template id (tpl_…) or name')
      // Not `--version`: that is the global flag printing xeroctl's own version, wherever it stands.
      .option(
        '--template-version <n>',
        'this version instead of the current one',
        intInRange(1, 2_147_483_647),
      )
      .option('--workspace <workspace>', WORKSPACE_FLAG_HELP)
      .action(async (template: string, opts: Omit<ShowOptions, 'template'>, cmd: Command) =>
        run({ template, ...opts }, make(cmd)),
      )
  );
}

export async function run(opts: ShowOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const id = await templateIdOf(client, opts);
  if (opts.templateVersion === undefined) {
    const t = await client.templates.get(id);
    return deps.out.record(templateFields(t), t);
  }
  const v = await client.templates.version(id, opts.templateVersion);
  deps.out.record(versionFields(v), v);
}
