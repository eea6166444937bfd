import { Command, Option } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { intInRange } from '../../flag-parsers';
import { fetchPages, noteMore, type PageOptions } from '../../list-pages';
import { resolveWorkspaceId } from '../workspaces/resolve-workspace';
import { TEMPLATE_COLUMNS } from './template-columns';

export interface ListOptions extends PageOptions {
  scope?: 'all' | 'platform' | 'project' | 'workspace' | undefined;
  workspace?: string | undefined;
  search?: string | undefined;
  platform?: boolean | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('list')
    .description("List the templates the project sees (its own and the platform's), by name")
    .addOption(
      new Option('--scope <scope>', 'only this scope')
        .choices(['all', 'platform', 'project', 'workspace'])
        .default('all'),
    )
    .option('--workspace <workspace>', 'only what a chat there could use: platform, project and its own')
    .option('--search <text>', 'names containing this text (any case)')
    .option('--no-platform', "leave the platform's templates out")
    .option('--limit <n>', 'templates per page, 1-500; without it every page is fetched', intInRange(1, 500))
    .option('--after <cursor>', 'start after this cursor (printed as "more: --after …" by a --limit page)')
    .action(async (opts: ListOptions, cmd: Command) => run(opts, make(cmd)));
}

export async function run(opts: ListOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const workspaceId =
    opts.workspace === undefined ? undefined : await resolveWorkspaceId(client, opts.workspace);
  const page = await fetchPages(opts, (q) =>
    client.templates.list({
      ...q,
      scope: opts.scope === 'all' ? undefined : opts.scope,
      workspace_id: workspaceId,
      q: opts.search,
      include_platform: opts.platform === false ? false : undefined,
    }),
  );
  deps.out.list(page.data, TEMPLATE_COLUMNS, page, 'No templates.');
  noteMore(deps.out, page);
}
