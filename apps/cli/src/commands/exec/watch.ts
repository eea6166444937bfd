import type { StreamStatus } from '@xem/client';
import { ExecutionStatus, Risk, type Execution } from '@xem/protocol';
import { Command } from 'commander';
import { UsageError } from '../../cli-error';
import type { Deps, MakeDeps } from '../../deps';
import { describeStreamRetry } from '../../describe-stream-retry';
import { enumList } from '../../flag-parsers';
import { formatEventJson, formatEventLine } from './event-line';
import { resolveWorkspaceIds } from '../workspaces/resolve-workspace';
import { finishExecution } from './finish-execution';
import { followExecutions } from './follow-executions';

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
 * Prints the events of `GET …/exec/executions/stream` (followExecutions) on stdout and the
 * connection changes on stderr. With an execution to follow, it ends with that execution.
 */
export async function run(opts: WatchOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  const json = opts.json === true || deps.out.isJson;
  const target = opts.execution ?? null;
  let wasLive = false;

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
  const follower = followExecutions(client, {
    filters: {
      workspace: workspaces,
      tool: opts.tool,
      status: opts.status,
      risk: opts.risk,
      agent: opts.agent,
    },
    target: target ?? undefined,
    onEvent: (e) =>
      deps.out.line(json ? formatEventJson(e) : formatEventLine(e, new Date().toISOString(), deps.out.isTty)),
    onStatus,
    onResync: (lastEventId) =>
      deps.out.note(
        `watch: events after ${lastEventId} are no longer kept; some were missed${target ? '' : ' (see "xeroctl exec list")'}`,
      ),
  });
  const stopListening = deps.io.onInterrupt(() => follower.close());
  let ended: Execution | null;
  try {
    ended = await follower.done;
  } finally {
    stopListening();
  }
  if (ended) finishExecution(deps, ended);
}
