import { ApprovalStatus, Risk } from '@xem/protocol';
import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { enumList, intInRange } from '../../flag-parsers';
import { APPROVAL_COLUMNS } from './approval-columns';

export interface ListOptions {
  status?: ApprovalStatus[] | undefined;
  risk?: Risk[] | undefined;
  workspace?: string | undefined;
  agent?: string | undefined;
  tool?: string | undefined;
  limit?: number | undefined;
  after?: string | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('list')
    .description('List approvals, newest first')
    .option(
      '--status <list>',
      `only these statuses, comma-separated: ${ApprovalStatus.options.join(', ')}`,
      enumList(ApprovalStatus.options),
    )
    .option(
      '--risk <list>',
      `only these risks, comma-separated: ${Risk.options.join(', ')}`,
      enumList(Risk.options),
    )
    .option('--workspace <id|name>', 'only this workspace')
    .option('--agent <id>', 'only approvals whose execution runs on this agent')
    .option('--tool <name>', 'only this tool')
    .option('--limit <n>', 'approvals per page, 1-500 (default 50)', intInRange(1, 500))
    .option('--after <cursor>', 'the next page: the cursor printed by the previous one')
    .action(async (opts: ListOptions, cmd: Command) => run(opts, make(cmd)));
}

export async function run(opts: ListOptions, deps: Deps): Promise<void> {
  const { after, ...filters } = opts;
  const page = await (await deps.projectClient()).listApprovals({ ...filters, cursor: after });
  deps.out.list(page.data, APPROVAL_COLUMNS, page, 'No approvals match.');
  if (page.next_cursor && !deps.out.isJson) deps.out.note(`More approvals: add --after ${page.next_cursor}`);
}
