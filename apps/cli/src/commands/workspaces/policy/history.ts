import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../../deps';
import { intInRange } from '../../../flag-parsers';
import { fetchPages, noteMore, type PageOptions } from '../../../list-pages';
import { resolveWorkspaceId } from '../resolve-workspace';
import { POLICY_VERSION_COLUMNS } from './policy-fields';

export interface HistoryOptions extends PageOptions {
  workspace: string;
}

export function command(make: MakeDeps): Command {
  return new Command('history')
    .description("List the versions of a workspace's approval policy, newest first")
    .argument('<workspace>', 'workspace id (ws_…) or name')
    .option('--limit <n>', 'versions per page, 1-500; without it every page is fetched', intInRange(1, 500))
    .option('--after <cursor>', 'start after this cursor (printed as "more: --after …" by a --limit page)')
    .action(async (workspace: string, opts: PageOptions, cmd: Command) =>
      run({ workspace, ...opts }, make(cmd)),
    );
}

export async function run(opts: HistoryOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const id = await resolveWorkspaceId(client, opts.workspace);
  const page = await fetchPages(opts, (q) => client.listApprovalPolicyVersions(id, q));
  deps.out.list(
    page.data,
    POLICY_VERSION_COLUMNS,
    page,
    'No versions: the workspace has the built-in default policy (version 0).',
  );
  noteMore(deps.out, page);
}
