import { Command } from 'commander';
import { CliError, UsageError } from '../../cli-error';
import type { Deps, MakeDeps } from '../../deps';
import { parseDuration } from '../../duration-flag';
import { EXIT_PENDING } from '../../report-error';
import { finishExecution, printOutput } from './finish-execution';
import { pollExecution } from './poll-execution';
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
    .option('--wait', 'wait for the result and print its output; exit 1 unless it completed')
    .option(
      '--timeout <duration>',
      'with --wait: give up (exit 8) after this long, e.g. 90s or 5m (default 60s)',
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
    if (deps.out.isJson) return deps.out.json(created);
    deps.out.line(created.id);
    const waits = created.status === 'pending_approval' ? ', waiting for approval' : '';
    deps.out.note(`Execution ${created.id} ${created.status}${waits}: ${opts.tool} in ${opts.workspace}.`);
    deps.out.note(`Follow it with "xeroctl exec watch ${created.id}".`);
    return;
  }

  if (!deps.out.isJson) deps.out.note(`Execution ${created.id} ${created.status}; waiting for the result…`);
  let approvalNoted = false;
  const timeoutMs = opts.timeout ?? DEFAULT_WAIT_MS;
  const { detail, finished } = await pollExecution(client, created.id, {
    timeoutMs,
    onUpdate: (d) => {
      if (d.status === 'pending_approval' && !approvalNoted && !deps.out.isJson) {
        approvalNoted = true;
        deps.out.note(`Execution ${d.id} needs an approval before it runs.`);
      }
    },
  });
  if (deps.out.isJson) deps.out.json(detail);
  if (!finished) {
    if (!deps.out.isJson) deps.out.line(detail.id);
    throw new CliError(
      `execution ${detail.id} is still ${detail.status} after ${timeoutMs / 1000}s; follow it with "xeroctl exec watch ${detail.id}"`,
      EXIT_PENDING,
    );
  }
  if (!deps.out.isJson) printOutput(deps, detail);
  finishExecution(deps, detail);
}
