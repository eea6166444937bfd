import type { AgentChannel } from './channel';
import type { Logger } from './logger';
import type { Runner } from './runner';

export interface ShutdownOptions {
  runner: Runner;
  channel: AgentChannel;
  graceSeconds: number;
  log: Logger;
  exit: (code: number) => void;
}

/** How long results may take to reach the router after the tools stopped. */
const FLUSH_MS = 5000;

/**
 * Graceful stop. States: running → draining (no new work, lease still renewed with
 * `state: 'draining'`, in-flight runs finish) → stopping (grace over or a second signal: the
 * remaining runs are stopped and reported `abandoned`) → exited (results flushed, socket closed,
 * exit 0).
 */
export function createShutdown(opts: ShutdownOptions): (reason: string, from: { signal: boolean }) => void {
  let phase: 'running' | 'draining' | 'stopping' = 'running';
  let force: () => void = () => {};
  const forced = new Promise<void>((ok) => (force = ok));

  return (reason: string, { signal }: { signal: boolean }) => {
    if (phase === 'draining') {
      // Only a person repeating the signal means "now"; the router repeating drain does not.
      if (!signal) return;
      opts.log.warn({ reason }, 'second stop signal: stopping running tools now');
      force();
      return;
    }
    if (phase === 'stopping') return;
    phase = 'draining';
    opts.log.info(
      { reason, running: opts.runner.size, grace_seconds: opts.graceSeconds },
      'draining: no new work, waiting for running tools',
    );
    opts.runner.stopAccepting();
    opts.channel.setDraining();
    void (async () => {
      let graceTimer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((ok) => (graceTimer = setTimeout(ok, opts.graceSeconds * 1000)));
      await Promise.race([opts.runner.idle(), grace, forced]);
      clearTimeout(graceTimer);
      phase = 'stopping';
      if (opts.runner.size > 0) {
        opts.log.warn(
          { running: opts.runner.size },
          'grace over: stopping running tools, reporting them abandoned',
        );
        await opts.runner.abandonAll();
      }
      await opts.channel.flush(FLUSH_MS);
      if (opts.channel.pendingResults > 0)
        opts.log.warn({ unacknowledged: opts.channel.pendingResults }, 'exiting with unacknowledged results');
      opts.channel.close();
      opts.log.info('stopped');
      opts.exit(0);
    })();
  };
}
