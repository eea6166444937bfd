import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';

export interface RawOptions {
  id: string;
  stderr?: boolean | undefined;
}

export function command(make: MakeDeps): Command {
  return new Command('raw')
    .description("Print the latest attempt's output exactly as the tool wrote it")
    .argument('<id>', 'execution id (exe_…)')
    .option('--stderr', 'print its stderr instead of its stdout')
    .action(async (id: string, opts: { stderr?: boolean }, cmd: Command) => run({ id, ...opts }, make(cmd)));
}

/** Byte-for-byte on stdout, even with -o json: it is the tool's own format, often JSON already. */
export async function run(opts: RawOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  deps.io.stdout.write(await client.getExecutionRaw(opts.id, opts.stderr ? 'stderr' : 'stdout'));
}
