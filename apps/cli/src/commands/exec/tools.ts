import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { intInRange } from '../../flag-parsers';
import { formatDurationMs } from './execution-columns';

export interface ToolsOptions {
  limit?: number | undefined;
  after?: string | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('tools')
    .description("List the tools the project's agents offer")
    .option('--limit <n>', 'tools per page, 1-500', intInRange(1, 500))
    .option('--after <cursor>', 'the next page: the cursor printed by the previous one')
    .action(async (opts: ToolsOptions, cmd: Command) => run(opts, make(cmd)));
}

export async function run(opts: ToolsOptions, deps: Deps): Promise<void> {
  const page = await (await deps.projectClient()).listTools({ limit: opts.limit, cursor: opts.after });
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
  if (page.next_cursor && !deps.out.isJson) deps.out.note(`More tools: add --after ${page.next_cursor}`);
}
