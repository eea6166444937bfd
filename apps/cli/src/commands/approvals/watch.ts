import type { ApprovalStreamEvent, StreamStatus } from '@xem/client';
import { ApprovalStatus, Risk } from '@xem/protocol';
import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { describeStreamRetry } from '../../describe-stream-retry';
import { enumList, splitList } from '../../flag-parsers';
import { resolveWorkspaceIds } from '../workspaces/resolve-workspace';
import { formatApprovalEventJson, formatApprovalEventLine } from './approval-event-line';

export interface WatchOptions {
  workspace?: string | undefined;
  tool?: string | undefined;
  status?: ApprovalStatus[] | undefined;
  risk?: Risk[] | undefined;
  json?: boolean | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('watch')
    .description('Print approval events as they happen (requested, decided, escalated, …), until Ctrl-C')
    .option(
      '--workspace <ids|names>',
      'only these workspaces, comma-separated (names are looked up: management scope)',
    )
    .option('--tool <names>', 'only these tools, comma-separated')
    .option(
      '--status <list>',
      `only events after which the approval is in one of these statuses, comma-separated: ${ApprovalStatus.options.join(', ')}`,
      enumList(ApprovalStatus.options),
    )
    .option(
      '--risk <list>',
      `only these risks, comma-separated: ${Risk.options.join(', ')}`,
      enumList(Risk.options),
    )
    .option('--json', 'one JSON object per line, {"id", "event", "data"} (same as -o json)')
    .action(async (opts: WatchOptions, cmd: Command) => run(opts, make(cmd)));
}

/**
 * Follows `GET …/exec/approvals/stream` (it never polls). Reconnecting and resuming are the
 * stream client's job; this prints facts on stdout and connection changes on stderr, and runs
 * until Ctrl-C (exit 0) or until the server refuses or ends the stream for good.
 */
export async function run(opts: WatchOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const json = opts.json === true || deps.out.isJson;
  let wasLive = false;

  const onEvent = (e: ApprovalStreamEvent) => {
    switch (e.event) {
      case 'x_exec.connection.resync':
        deps.out.note(
          `watch: events after ${e.data.last_event_id} are no longer kept; some were missed (see "xeroctl approvals list")`,
        );
        return;
      case 'x_exec.connection.connected':
      case 'x_exec.connection.heartbeat':
      case 'x_exec.connection.closing':
        return;
      default:
        deps.out.line(
          json
            ? formatApprovalEventJson(e)
            : formatApprovalEventLine(e, new Date().toISOString(), deps.out.isTty),
        );
    }
  };

  const onStatus = (s: StreamStatus) => {
    if (s.state === 'live') {
      if (!wasLive) deps.out.note('watch: connected, following approvals (Ctrl-C to stop)');
      else
        deps.out.note(`watch: live again${s.lastEventId ? ` (resumed after event ${s.lastEventId})` : ''}`);
      wasLive = true;
    } else if (s.state === 'reconnecting' || s.state === 'offline') {
      deps.out.note(describeStreamRetry('watch', s));
    }
  };

  // The stream filters on workspace ids; people type names.
  const workspaces = await resolveWorkspaceIds(client, opts.workspace);
  const stream = client.streamApprovals(
    {
      workspace: workspaces,
      tool: opts.tool === undefined ? undefined : splitList(opts.tool),
      status: opts.status,
      risk: opts.risk,
    },
    { onEvent, onStatus },
  );
  const stopListening = deps.io.onInterrupt(() => stream.close());
  try {
    await stream.done;
  } finally {
    stopListening();
  }
}
