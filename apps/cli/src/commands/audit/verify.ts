import { Command } from 'commander';
import { CliError } from '../../cli-error';
import type { Deps, MakeDeps } from '../../deps';

export type VerifyOptions = Record<string, never>;

export function command(make: MakeDeps): Command {
  return new Command('verify')
    .description("Recompute the project's audit hash chain on the server; exit 1 when it is broken")
    .action(async (_opts: unknown, cmd: Command) => run({}, make(cmd)));
}

export async function run(_opts: VerifyOptions, deps: Deps): Promise<void> {
  const result = await (await deps.projectClient()).verifyAudit();
  if (deps.out.isJson) deps.out.json(result);
  else if (result.problems.length > 0) {
    deps.out.list(
      result.problems,
      [
        { header: 'SEQ', value: (p) => p.seq },
        { header: 'KIND', value: (p) => p.kind },
        { header: 'MESSAGE', value: (p) => p.message },
      ],
      result,
    );
  }
  if (!result.ok) {
    throw new CliError(
      `audit chain is broken: ${result.problems.length} problem(s) in ${result.rows_checked} rows (head seq ${result.head_seq})`,
    );
  }
  if (!deps.out.isJson) {
    deps.out.note(`Audit chain intact: ${result.rows_checked} rows checked, head at seq ${result.head_seq}.`);
  }
}
