import type { XemClient } from '@xem/client';
import type { Execution } from '@xem/protocol';
import { Command } from 'commander';
import { CliError, UsageError } from '../../cli-error';
import type { Deps, MakeDeps } from '../../deps';
import { describeStreamRetry } from '../../describe-stream-retry';
import { parseDuration } from '../../duration-flag';
import { EXIT_PENDING } from '../../report-error';
import { approveCommand, describeApprovalEnd } from '../approvals/approval-columns';
import { finishExecution, printOutput } from './finish-execution';
import { followExecutions } from './follow-executions';
import { TERMINAL_STATUSES } from './terminal-statuses';
import { buildToolArgs, collectArg, type ArgPairs } from './tool-args';

export const DEFAULT_WAIT_MS = 60_000;

export interface InvokeOptions {
  tool: string;
  workspace: string;
  arg?: ArgPairs | undefined;
  argsJson?: string | undefined;
  argsFile?: string | undefined;
  queue?: boolean | undefined;
  idempotencyKey?: string | undefined;
  wait?: boolean | undefined;
  /** Milliseconds. */
  timeout?: number | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('invoke')
    .description('Run a tool on an agent of a workspace')
    .argument('<tool>', 'tool name, e.g. system_info')
    .requiredOption('--workspace <id|name>', 'workspace to run in (id ws_… or name)')
    .option(
      '--arg <key=value>',
      'one argument; numbers, true/false and null are typed (repeatable)',
      collectArg,
    )
    .option('--args-json <json>', 'all arguments as a JSON object; --arg values override')
    .option('--args-file <file>', 'arguments as a JSON object from a file, - for stdin')
    .option('--queue', 'queue it even when no agent can run it right now')
    .option('--idempotency-key <key>', 'repeat-safe: the same key and arguments return the same execution')
    .option(
      '--wait',
      'wait for the result (following the executions stream) and print its output; exit 1 unless it completed',
    )
    .option(
      '--timeout <duration>',
      'with --wait: give up (exit 8, still pending) after this long, e.g. 90s or 5m (default 60s)',
      parseDuration,
    )
    .action(async (tool: string, opts: Omit<InvokeOptions, 'tool'>, cmd: Command) =>
      run({ tool, ...opts }, make(cmd)),
    );
}

export async function run(opts: InvokeOptions, deps: Deps): Promise<void> {
  if (opts.timeout !== undefined && !opts.wait) throw new UsageError('--timeout only applies with --wait');
  const args = await buildToolArgs(opts, () => deps.io.stdin.readAll());
  const client = await deps.projectClient();
  const created = await client.createExecution(
    { workspace: opts.workspace, tool: opts.tool, args, queue: opts.queue === true },
    { idempotencyKey: opts.idempotencyKey },
  );

  if (!opts.wait) {
    if (deps.out.isJson) deps.out.json(created);
    else {
      deps.out.line(created.id);
      const waits = created.status === 'pending_approval' ? ', waiting for approval' : '';
      deps.out.note(`Execution ${created.id} ${created.status}${waits}: ${opts.tool} in ${opts.workspace}.`);
    }
    noteApproval(deps, created);
    if (!deps.out.isJson) deps.out.note(`Follow it with "xeroctl exec watch ${created.id}".`);
    return;
  }

  if (!deps.out.isJson) deps.out.note(`Execution ${created.id} ${created.status}; waiting for the result…`);
  noteApproval(deps, created);
  const timeoutMs = opts.timeout ?? DEFAULT_WAIT_MS;
  const streamed = await waitForEnd(client, created, timeoutMs, deps);
  // The stream carries no output, and at the timeout the execution may have ended just now: the
  // read comes after either, so it is at least as complete as what was streamed.
  const detail = await client.getExecution(created.id);
  const ended = TERMINAL_STATUSES.has(detail.status) ? detail : streamed;
  if (deps.out.isJson) deps.out.json(detail);
  if (!ended) {
    if (!deps.out.isJson) deps.out.line(detail.id);
    throw new CliError(stillWaiting(detail, timeoutMs), EXIT_PENDING);
  }
  if (!deps.out.isJson) printOutput(deps, detail);
  if (ended.status === 'rejected' && ended.approval_id && !deps.out.isJson) {
    // Who decided and why is a courtesy: failing to read it must not hide the outcome below.
    const approval = await client.getApproval(ended.approval_id).catch(() => null);
    if (approval) deps.out.note(describeApprovalEnd(approval));
  }
  finishExecution(deps, ended);
}

/**
 * The approval the execution waits for, and the command that decides it: on stderr, even
 * with `-o json`, since a person has to act on it.
 */
function noteApproval(deps: Deps, e: Execution): void {
  if (e.status !== 'pending_approval' || !e.approval_id) return;
  const approval = { id: e.approval_id, tool: e.tool, risk: e.risk };
  deps.out.note(
    `Execution ${e.id} needs approval ${e.approval_id} (${e.risk}) before it runs. An approver can run:\n  ${approveCommand(approval)}`,
  );
}

/**
 * Follows the execution on the executions stream (no polling) until it ends or `timeoutMs`
 * passes (null). Leaving pending_approval is said on stderr as it happens.
 */
async function waitForEnd(
  client: XemClient,
  created: Execution,
  timeoutMs: number,
  deps: Deps,
): Promise<Execution | null> {
  let status = created.status;
  let wasLive = false;
  const follower = followExecutions(client, {
    filters: { workspace: created.workspace_id, tool: created.tool },
    target: created.id,
    onEvent: (e) => {
      if (status === 'pending_approval' && e.data.status === 'queued' && !deps.out.isJson) {
        deps.out.note(`Approval ${created.approval_id} granted; execution ${created.id} is queued.`);
      }
      status = e.data.status;
    },
    onStatus: (s) => {
      if (s.state === 'live') {
        if (wasLive) deps.out.note('wait: live again');
        wasLive = true;
      } else if (s.state === 'reconnecting' || s.state === 'offline') {
        deps.out.note(describeStreamRetry('wait', s));
      }
    },
  });
  const timer = setTimeout(() => follower.close(), timeoutMs);
  try {
    return await follower.done;
  } finally {
    clearTimeout(timer);
  }
}

function stillWaiting(e: Execution, timeoutMs: number): string {
  const after = `execution ${e.id} is still ${e.status} after ${timeoutMs / 1000}s`;
  const follow = `follow it with "xeroctl exec watch ${e.id}"`;
  if (e.status !== 'pending_approval' || !e.approval_id) return `${after}; ${follow}`;
  const decide = approveCommand({ id: e.approval_id, tool: e.tool, risk: e.risk });
  return `${after}: approval ${e.approval_id} has no decision yet; an approver can run "${decide}"; ${follow}`;
}
