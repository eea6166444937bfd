import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { intInRange } from '../../flag-parsers';
import { fetchPages, noteMore, type PageOptions } from '../../list-pages';
import { VERSION_COLUMNS } from './template-columns';
import { templateIdOf, WORKSPACE_FLAG_HELP, type TemplateRef } from './template-ref';

export interface VersionsOptions extends TemplateRef, PageOptions {}

export function command(make: MakeDeps): Command {
  return new Command('versions')
    .description("List a template's versions, newest first")
    .argument('<template>', 'template id (tpl_…) or name')
    .option('--workspace <workspace>', WORKSPACE_FLAG_HELP)
    .option('--limit <n>', 'versions per page, 1-500; without it every page is fetched', intInRange(1, 500))
    .option('--after <cursor>', 'start after this cursor (printed as "more: --after …" by a --limit page)')
    .action(async (template: string, opts: Omit<VersionsOptions, 'template'>, cmd: Command) =>
      run({ template, ...opts }, make(cmd)),
    );
}

export async function run(opts: VersionsOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const id = await templateIdOf(client, opts);
  const page = await fetchPages(opts, (q) => client.templates.versions(id, q));
  deps.out.list(page.data, VERSION_COLUMNS, page);
  noteMore(deps.out, page);
}
