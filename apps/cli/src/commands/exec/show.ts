import type { ExecutionDetail } from '@xem/protocol';
import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { executionFields } from './execution-columns';

export interface ShowOptions {
  id: string;
}

export function command(make: MakeDeps): Command {
  return new Command('show')
    .description('Show an execution: workspace, tool, status, exit code, history and output')
    .argument('<id>', 'execution id (exe_…)')
    .action(async (id: string, _opts: unknown, cmd: Command) => run({ id }, make(cmd)));
}

export async function run(opts: ShowOptions, deps: Deps): Promise<void> {
  const e = await (await deps.projectClient()).getExecution(opts.id);
  deps.out.record(
    [
      ...executionFields(e),
      ['HISTORY', e.history.map((h) => h.to).join('>')],
      [
        'OUTPUT',
        e.output
          ? `${e.output.stdout.length + e.output.stderr.length} chars${e.output.truncated ? ', truncated' : ''}`
          : null,
      ],
    ],
    e,
  );
  // Piped output stays one field per line; the history and output are for people (or `exec raw`).
  if (!deps.out.isJson && deps.io.stdout.isTTY) printDetails(deps, e);
}

function printDetails(deps: Deps, e: ExecutionDetail): void {
  if (e.history.length > 0) {
    deps.out.line('');
    deps.out.list(
      e.history,
      [
        { header: 'AT', value: (h) => h.at, time: true },
        { header: 'FROM', value: (h) => h.from },
        { header: 'TO', value: (h) => h.to },
        { header: 'ATTEMPT', value: (h) => h.attempt },
        { header: 'REASON', value: (h) => h.reason },
      ],
      e.history,
    );
  }
  for (const [name, text] of [
    ['STDOUT', e.output?.stdout],
    ['STDERR', e.output?.stderr],
  ] as const) {
    if (!text) continue;
    deps.out.line(`\n${name}:`);
    deps.io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }
}
