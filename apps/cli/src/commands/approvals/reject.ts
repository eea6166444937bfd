import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { approvalFields, describeOutcome } from './approval-columns';

export interface RejectOptions {
  id: string;
  reason?: string | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('reject')
    .description('Reject a pending request; its execution ends as rejected')
    .argument('<id>', 'approval id (apr_…)')
    .option('--reason <text>', 'why, kept with the decision and shown to the requester')
    .action(async (id: string, opts: { reason?: string }, cmd: Command) => run({ id, ...opts }, make(cmd)));
}

export async function run(opts: RejectOptions, deps: Deps): Promise<void> {
  const a = await (await deps.projectClient()).rejectApproval(opts.id, { reason: opts.reason });
  deps.out.record(approvalFields(a), a);
  if (!deps.out.isJson) deps.out.note(describeOutcome(a));
}
