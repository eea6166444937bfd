import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Database } from '../db/schema';
import { pruneExpiredSessions } from './session-store';

/** Deletes ended sessions every intervalMs. States: idle → pruning → idle; stop() ends it. */
export function startSessionPruner(
  db: Kysely<Database>,
  idleSeconds: number,
  intervalMs: number,
  log: Logger,
): () => void {
  const timer = setInterval(() => {
    pruneExpiredSessions(db, idleSeconds).catch((err: unknown) => log.warn({ err }, 'session prune failed'));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
