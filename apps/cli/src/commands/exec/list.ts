import { ExecutionSource, ExecutionStatus, Risk } from '@xem/protocol';
import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { enumList, intInRange } from '../../flag-parsers';
import { parseTimeFlag } from '../../time-flag';
import { EXECUTION_COLUMNS } from './execution-columns';

export interface ListOptions {
  status?: ExecutionStatus[] | undefined;
  tool?: string | undefined;
  agent?: string | undefined;
  workspace?: string | undefined;
  risk?: Risk[] | undefined;
  source?: ExecutionSource[] | undefined;
  chat?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  limit?: number | undefined;
  after?: string | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('list')
    .description('List executions, newest first')
    .option(
      '--status <list>',
      `only these statuses, comma-separated: ${ExecutionStatus.options.join(', ')}`,
      enumList(ExecutionStatus.options),
    )
    .option('--tool <name>', 'only this tool')
    .option('--agent <id>', 'only executions run by this agent')
    .option('--workspace <id|name>', 'only this workspace')
    .option(
      '--risk <list>',
      `only these risks, comma-separated: ${Risk.options.join(', ')}`,
      enumList(Risk.options),
    )
    .option(
      '--source <list>',
      `only these sources, comma-separated: ${ExecutionSource.options.join(', ')}`,
      enumList(ExecutionSource.options),
    )
    .option('--chat <id>', "only this chat's tool calls (chat_…)")
    .option(
      '--since <time>',
      'created from this time on: RFC 3339, a date, or a duration back (2h, 7d)',
      (v) => parseTimeFlag(v),
    )
    .option('--until <time>', 'created before this time (same forms as --since)', (v) => parseTimeFlag(v))
    .option('--limit <n>', 'executions per page, 1-500 (default 50)', intInRange(1, 500))
    .option('--after <cursor>', 'the next page: the cursor printed by the previous one')
    .action(async (opts: ListOptions, cmd: Command) => run(opts, make(cmd)));
}

export async function run(opts: ListOptions, deps: Deps): Promise<void> {
  const { after, ...filters } = opts;
  const page = await (await deps.projectClient()).listExecutions({ ...filters, cursor: after });
  deps.out.list(page.data, EXECUTION_COLUMNS, page, 'No executions match.');
  if (page.next_cursor && !deps.out.isJson) deps.out.note(`More executions: add --after ${page.next_cursor}`);
}
