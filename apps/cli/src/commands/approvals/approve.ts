import type { XemClient } from '@xem/client';
import { Command } from 'commander';
import { UsageError } from '../../cli-error';
import type { Deps, MakeDeps } from '../../deps';
import { approvalFields, describeOutcome } from './approval-columns';

export interface ApproveOptions {
  id: string;
  note?: string | undefined;
  /** For irreversible tools: the tool name, sent exactly as given. */
  confirm?: string | undefined;
}

export const CONFIRM_QUESTION = 'Type the tool name to confirm: ';

export function command(make: MakeDeps): Command {
  return new Command('approve')
    .description('Approve a pending request (irreversible tools: type the tool name, or pass --confirm)')
    .argument('<id>', 'approval id (apr_…)')
    .option('--note <text>', 'a note kept with your vote')
    .option('--confirm <tool>', 'irreversible tools: the tool name, exactly (checked by the server)')
    .action(async (id: string, opts: Omit<ApproveOptions, 'id'>, cmd: Command) =>
      run({ id, ...opts }, make(cmd)),
    );
}

/**
 * One approving vote. The typed confirmation goes to the server exactly as given or typed: the
 * server alone compares it with the tool name, so the CLI never trims, folds or normalises it.
 */
export async function run(opts: ApproveOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const confirm = opts.confirm ?? (await askConfirmation(client, opts.id, deps));
  const a = await client.approveApproval(opts.id, { note: opts.note, confirm });
  deps.out.record(approvalFields(a), a);
  if (!deps.out.isJson) deps.out.note(describeOutcome(a));
}

/**
 * Irreversible tools need their name typed. On a terminal the approver is asked; without one,
 * `--confirm` is required. Nothing is asked when the vote cannot succeed anyway (decided, or
 * not this person's to decide): the server's refusal then says why.
 */
export async function askConfirmation(
  client: XemClient,
  id: string,
  deps: Deps,
): Promise<string | undefined> {
  const a = await client.getApproval(id);
  if (a.risk !== 'irreversible' || a.status !== 'pending' || !a.viewer.can_decide) return undefined;
  if (!deps.io.stdin.isTTY) {
    throw new UsageError(
      `approval ${a.id} is for the irreversible tool ${a.tool}: pass --confirm with the tool name, typed exactly, or run this on a terminal to be asked for it`,
    );
  }
  deps.out.note(
    `Approval ${a.id} runs ${a.tool} ${JSON.stringify(a.args)} in ${a.workspace_id}. It is irreversible.`,
  );
  return deps.io.prompt(CONFIRM_QUESTION);
}
