import type { ExecutionDetail } from '@xem/protocol';
import { Command } from 'commander';
import type { Deps, MakeDeps } from '../../deps';
import { formatCell } from '../../output';
import { finishExecution } from './finish-execution';
import { pollExecution } from './poll-execution';

export interface WatchOptions {
  id: string;
}

export function command(make: MakeDeps): Command {
  return new Command('watch')
    .description('Print each status change of an execution until it ends; exit 1 unless it completed')
    .argument('<id>', 'execution id (exe_…)')
    .action(async (id: string, _opts: unknown, cmd: Command) => run({ id }, make(cmd)));
}

interface Change {
  at: string;
  from: string | null;
  to: string;
  attempt: number;
  reason: string | null;
}

/**
 * Prints the transitions the server recorded, so a change between two polls is not missed. A
 * status change without a recorded transition is still printed, stamped with the local time.
 */
export async function run(opts: WatchOptions, deps: Deps): Promise<void> {
  const client = await deps.projectClient();
  let printed = 0;
  let lastStatus: string | null = null;
  const onUpdate = (d: ExecutionDetail) => {
    const changes: Change[] = d.history.slice(printed);
    printed = d.history.length;
    if (changes.length === 0 && d.status !== lastStatus) {
      changes.push({
        at: new Date().toISOString(),
        from: lastStatus,
        to: d.status,
        attempt: d.attempt,
        reason: null,
      });
    }
    for (const c of changes) printChange(deps, c);
    if (changes.length > 0) lastStatus = changes[changes.length - 1]!.to;
  };
  const { detail } = await pollExecution(client, opts.id, { onUpdate });
  finishExecution(deps, detail);
}

/** JSON Lines with -o json (one object per change), else one aligned or tab-separated line. */
function printChange(deps: Deps, c: Change): void {
  if (deps.out.isJson) return deps.out.line(JSON.stringify(c));
  const tty = deps.io.stdout.isTTY;
  const cells = [
    formatCell(c.at, tty, true),
    c.to.padEnd(tty ? 16 : 0),
    tty ? `attempt ${c.attempt}` : String(c.attempt),
    formatCell(c.reason, tty),
  ];
  deps.out.line((tty ? cells.join('  ') : cells.join('\t')).trimEnd());
}
