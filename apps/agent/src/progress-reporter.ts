import type { AgentFrame } from '@xem/protocol';
import type { Progress } from './runner';

type ProgressFrame = Extract<AgentFrame, { type: 'progress' }>;
interface Ref {
  execution_id: string;
  attempt: number;
}

interface RunState {
  lastSentAt: number;
  pending: Progress | undefined;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Forwards tool progress as `progress` frames, at most one per run every `minIntervalMs`: a
 * tool reporting every line of a copy costs the router a few inserts, and the latest report is
 * the one that matters (an intermediate one may be skipped). Best effort like live logs; a run's
 * last report is sent before its result.
 */
export class ProgressReporter {
  private readonly runs = new Map<string, RunState>();

  constructor(
    private readonly send: (frame: ProgressFrame) => void,
    private readonly minIntervalMs = 200,
  ) {}

  push(ref: Ref, progress: Progress): void {
    const k = `${ref.execution_id}#${ref.attempt}`;
    let run = this.runs.get(k);
    if (!run) {
      run = { lastSentAt: 0, pending: undefined, timer: undefined };
      this.runs.set(k, run);
    }
    run.pending = progress;
    const wait = run.lastSentAt + this.minIntervalMs - Date.now();
    if (wait <= 0) return this.sendPending(ref, run);
    run.timer ??= setTimeout(() => {
      run.timer = undefined;
      this.sendPending(ref, run);
    }, wait);
  }

  /** Sends the last unsent report of a run and forgets the run. */
  finish(ref: Ref): void {
    const k = `${ref.execution_id}#${ref.attempt}`;
    const run = this.runs.get(k);
    if (!run) return;
    clearTimeout(run.timer);
    this.sendPending(ref, run);
    this.runs.delete(k);
  }

  private sendPending(ref: Ref, run: RunState): void {
    if (!run.pending) return;
    this.send({ type: 'progress', execution_id: ref.execution_id, attempt: ref.attempt, ...run.pending });
    run.pending = undefined;
    run.lastSentAt = Date.now();
  }
}
