import type { ExecutionStreamEvent, StreamStatus, XExecExecutionEventName } from '@xem/client';
import { Execution, ExecutionStatus, Risk } from '@xem/protocol';
import { Command } from 'commander';
import { UsageError } from '../../cli-error';
import type { Deps, MakeDeps } from '../../deps';
import { describeStreamRetry } from '../../describe-stream-retry';
import { enumList } from '../../flag-parsers';
import { formatEventJson, formatEventLine, type WatchedEvent } from './event-line';
import { resolveWorkspaceIds } from '../workspaces/resolve-workspace';
import { finishExecution } from './finish-execution';
import { TERMINAL_STATUSES } from './poll-execution';

/** The event that announces each terminal status (TERMINAL_STATUSES). */
const TERMINAL_EVENT_NAMES: Partial<Record<ExecutionStatus, XExecExecutionEventName>> = {
  completed: 'x_exec.execution.completed',
  failed: 'x_exec.execution.failed',
  timed_out: 'x_exec.execution.timed_out',
  cancelled: 'x_exec.execution.cancelled',
  rejected: 'x_exec.execution.rejected',
  ambiguous: 'x_exec.execution.ambiguous',
};

export interface WatchOptions {
  /** Follow this one execution and exit when it ends. */
  execution?: string | undefined;
  workspace?: string | undefined;
  tool?: string | undefined;
  status?: ExecutionStatus[] | undefined;
  risk?: Risk[] | undefined;
  agent?: string | undefined;
  json?: boolean | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('watch')
    .description(
      'Print execution events as they happen, until Ctrl-C; with an execution id, until it ends (exit 1 unless it completed)',
    )
    .argument('[id]', 'same as --execution <id>')
    .option('--execution <id>', 'follow this execution (exe_…) and exit when it ends')
    .option(
      '--workspace <ids|names>',
      'only these workspaces, comma-separated (names are looked up: management scope)',
    )
    .option('--tool <names>', 'only these tools, comma-separated')
    .option(
      '--status <list>',
      `only events after which the execution is in one of these statuses, comma-separated: ${ExecutionStatus.options.join(', ')}`,
      enumList(ExecutionStatus.options),
    )
    .option(
      '--risk <list>',
      `only these risks, comma-separated: ${Risk.options.join(', ')}`,
      enumList(Risk.options),
    )
    .option('--agent <ids>', 'only executions run by these agents, comma-separated')
    .option('--json', 'one JSON object per line, {"id", "event", "data"} (same as -o json)')
    .action(async (id: string | undefined, opts: WatchOptions, cmd: Command) => {
      if (id && opts.execution && id !== opts.execution) {
        throw new UsageError(`two different executions given: ${id} and --execution ${opts.execution}`);
      }
      return run({ ...opts, execution: opts.execution ?? id }, make(cmd));
    });
}

/**
 * Follows `GET …/exec/executions/stream`. Reconnections are the stream client's job; this
 * prints facts on stdout and connection changes on stderr. With an execution to follow, its
 * state is also read once the stream is up (and again after a resync), so an end that came
 * before the stream did is not missed.
 */
export async function run(opts: WatchOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const json = opts.json === true || deps.out.isJson;
  const target = opts.execution ?? null;
  let ended: Execution | null = null;
  let failure: unknown = null;
  let wasLive = false;
  /** The stream is over (Ctrl-C, an end, an error): a read still in flight must not print. */
  let over = false;

  const print = (e: WatchedEvent) =>
    deps.out.line(json ? formatEventJson(e) : formatEventLine(e, new Date().toISOString(), deps.out.isTty));

  const end = (e: WatchedEvent) => {
    if (ended) return;
    print(e);
    ended = e.data;
    stream.close();
  };

  const readTarget = async (id: string) => {
    try {
      const current = await client.getExecution(id);
      if (over) return;
      const event = TERMINAL_EVENT_NAMES[current.status];
      // Parsing drops history, attempts and output: the data is what the stream would send.
      if (event) end({ id: null, event, data: Execution.parse(current) });
    } catch (err) {
      if (over) return;
      failure ??= err;
      stream.close();
    }
  };

  const onEvent = (e: ExecutionStreamEvent) => {
    switch (e.event) {
      case 'x_exec.connection.connected':
        // Resumed streams replay what was missed; a fresh one may have missed the end.
        if (target && e.data.resumed_after === null) void readTarget(target);
        return;
      case 'x_exec.connection.resync':
        deps.out.note(
          `watch: events after ${e.data.last_event_id} are no longer kept; some were missed${target ? '' : ' (see "xeroctl exec list")'}`,
        );
        if (target) void readTarget(target);
        return;
      case 'x_exec.connection.heartbeat':
      case 'x_exec.connection.closing':
        return;
      default:
        if (ended || (target && e.data.id !== target)) return;
        if (target && TERMINAL_STATUSES.has(e.data.status)) return end(e);
        print(e);
    }
  };

  const onStatus = (s: StreamStatus) => {
    if (s.state === 'live') {
      if (!wasLive) deps.out.note(`watch: connected, following ${target ?? 'executions'} (Ctrl-C to stop)`);
      else
        deps.out.note(`watch: live again${s.lastEventId ? ` (resumed after event ${s.lastEventId})` : ''}`);
      wasLive = true;
    } else if (s.state === 'reconnecting' || s.state === 'offline') {
      deps.out.note(describeStreamRetry('watch', s));
    }
  };

  // The stream filters on workspace ids; people type names.
  const workspaces = await resolveWorkspaceIds(client, opts.workspace);
  const stream = client.streamExecutions(
    { workspace: workspaces, tool: opts.tool, status: opts.status, risk: opts.risk, agent: opts.agent },
    { onEvent, onStatus },
  );
  const stopListening = deps.io.onInterrupt(() => stream.close());
  try {
    await stream.done;
  } finally {
    over = true;
    stopListening();
  }
  if (failure) throw failure;
  if (ended) finishExecution(deps, ended);
}
