import type { Execution, ExecutionDetail } from '@xem/protocol';
import { CliError } from '../../cli-error';
import type { Deps } from '../../deps';
import { EXIT_ERROR } from '../../report-error';
import { formatDurationMs } from './execution-columns';

/**
 * Ends a command that waited for an execution: a one-line summary on stderr, and exit 0 only
 * when it completed — any other terminal status is exit 1, so `&&` chains stop on failure.
 */
export function finishExecution(deps: Deps, e: Execution): void {
  if (e.status === 'completed') {
    if (!deps.out.isJson) {
      const took = e.duration_ms === null ? '' : ` in ${formatDurationMs(e.duration_ms)}`;
      const where = e.agent_id ? ` on ${e.agent_id}` : '';
      deps.out.note(`Execution ${e.id} completed${took}${where} (exit ${e.exit_code ?? 0}).`);
    }
    return;
  }
  const why = e.error
    ? `: ${e.error.message} (${e.error.code})`
    : e.exit_code === null
      ? ''
      : ` (exit ${e.exit_code})`;
  const hint =
    e.status === 'ambiguous'
      ? `; the agent was lost while it ran, check the target, then "xeroctl exec retry ${e.id}" or "xeroctl exec mark-failed ${e.id}"`
      : '';
  throw new CliError(`execution ${e.id} ${e.status.replace('_', ' ')}${why}${hint}`, EXIT_ERROR);
}

/** The tool's own output, as it wrote it: stdout to stdout, stderr to stderr. */
export function printOutput(deps: Deps, e: ExecutionDetail): void {
  if (!e.output) return;
  const { stdout, stderr } = deps.io;
  // On a terminal a missing final newline would glue the prompt to the output.
  const ending = (s: string, tty: boolean) => (tty && s !== '' && !s.endsWith('\n') ? '\n' : '');
  if (e.output.stdout) stdout.write(e.output.stdout + ending(e.output.stdout, stdout.isTTY));
  if (e.output.stderr) stderr.write(e.output.stderr + ending(e.output.stderr, stderr.isTTY));
  if (e.output.truncated) deps.out.note('(output truncated at the agent limit, XEM_MAX_OUTPUT_BYTES)');
}
