import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { intInRange } from '../../flag-parsers';
import { fetchPages, noteMore, type PageOptions } from '../../list-pages';
import { formatDurationMs } from './execution-columns';

export type ToolsOptions = PageOptions;

export function command(make: MakeDeps): Command {
  return new Command('tools')
    .description("List the tools the project's agents offer")
    .option('--limit <n>', 'tools per page, 1-500; without it every page is fetched', intInRange(1, 500))
    .option('--after <cursor>', 'start after this cursor (printed as "more: --after …" by a --limit page)')
    .action(async (opts: ToolsOptions, cmd: Command) => run(opts, make(cmd)));
}

export async function run(opts: ToolsOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const page = await fetchPages(opts, (q) => client.listTools(q));
  deps.out.list(
    page.data,
    [
      { header: 'NAME', value: (t) => t.name },
      { header: 'RISK', value: (t) => t.risk },
      { header: 'DOMAIN', value: (t) => t.domain },
      { header: 'TIMEOUT', value: (t) => formatDurationMs(t.timeout_ms) },
      { header: 'IDEMPOTENT', value: (t) => t.idempotent },
      { header: 'AGENTS', value: (t) => t.agents.length },
      { header: 'DESCRIPTION', value: (t) => t.description },
    ],
    page,
    'No tools: no agent with a tool manifest is enrolled (see "xeroctl agents join-keys create").',
  );
  noteMore(deps.out, page);
}
