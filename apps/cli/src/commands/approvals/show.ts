import type { ApprovalDetail } from '@xem/protocol';
import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { approvalFields, approveCommand, describeVoter } from './approval-columns';

export interface ShowOptions {
  id: string;
}

export function command(make: MakeDeps): Command {
  return new Command('show')
    .description(
      'Show an approval: tool, arguments, risk, requester, stage, deadline, votes, and whether you can decide it',
    )
    .argument('<id>', 'approval id (apr_…)')
    .action(async (id: string, _opts: unknown, cmd: Command) => run({ id }, make(cmd)));
}

export async function run(opts: ShowOptions, deps: Deps): Promise<void> {
  const a = await (await deps.projectClient()).getApproval(opts.id);
  deps.out.record(
    [
      ...approvalFields(a),
      // The server's reason says why not and who can decide instead.
      ['DECIDE', a.viewer.can_decide ? 'you can decide' : `you cannot: ${a.viewer.reason ?? 'not allowed'}`],
    ],
    a,
  );
  if (deps.out.isJson) return;
  if (deps.io.stdout.isTTY && a.votes.length > 0) printVotes(deps, a);
  if (a.viewer.can_decide && a.status === 'pending') {
    deps.out.note(`Decide with "${approveCommand(a)}" or "xeroctl approvals reject ${a.id} --reason …".`);
  }
}

/** On a terminal, the votes as a table; piped output keeps them in the DECISIONS field. */
function printVotes(deps: Deps, a: ApprovalDetail): void {
  deps.out.line('');
  deps.out.list(
    a.votes,
    [
      { header: 'AT', value: (v) => v.at, time: true },
      { header: 'STAGE', value: (v) => v.stage_index + 1 },
      { header: 'VOTE', value: (v) => v.decision },
      { header: 'BY', value: (v) => describeVoter(v) },
      { header: 'VIA', value: (v) => v.via },
      { header: 'NOTE/REASON', value: (v) => v.note ?? v.reason },
    ],
    a.votes,
  );
}
