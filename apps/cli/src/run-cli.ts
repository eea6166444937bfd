import { CommanderError } from 'commander';
import type { System } from './deps';
import { buildProgram } from './program';
import { describeError, exitCodeFor } from './report-error';

/** Runs one command line and returns its exit code; everything it prints goes through `system.io`. */
export async function runCli(args: readonly string[], system: System): Promise<number> {
  const program = buildProgram(system);
  try {
    await program.parseAsync([...args], { from: 'user' });
    return 0;
  } catch (err) {
    // Commander has already printed its own parse errors and help.
    if (!(err instanceof CommanderError)) system.io.stderr.write(`${describeError(err)}\n`);
    return exitCodeFor(err);
  }
}
