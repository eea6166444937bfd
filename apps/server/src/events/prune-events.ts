import type { FastifyBaseLogger } from 'fastify';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { startBatchSweeper } from '../loops/start-batch-sweeper';

/**
 * Deletes up to `batchSize` events older than the retention window (database clock) and raises
 * `event_retention.pruned_through` to the highest id deleted, in one statement. Returns how
 * many were deleted.
 */
export async function pruneEvents(
  db: Kysely<Database>,
  retentionSeconds: number,
  batchSize = 5000,
): Promise<number> {
  const r = await sql<{ deleted: number }>`
    WITH gone AS (
      DELETE FROM events WHERE id IN (
        SELECT id FROM events WHERE created_at < now() - make_interval(secs => ${retentionSeconds})
        ORDER BY id LIMIT ${batchSize}
      ) RETURNING id
    ), marked AS (
      UPDATE event_retention
      SET pruned_through = GREATEST(pruned_through, (SELECT max(id) FROM gone)), pruned_at = now()
      WHERE EXISTS (SELECT 1 FROM gone)
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM gone)::int AS deleted`.execute(db);
  return r.rows[0]?.deleted ?? 0;
}

/** Prunes in batches every `intervalMs` (and once shortly after start). Returns stop(). */
export function startEventPruner(
  db: Kysely<Database>,
  retentionSeconds: number,
  log?: Pick<FastifyBaseLogger, 'error'>,
): () => Promise<void> {
  const batchSize = 5000;
  return startBatchSweeper({
    name: 'event pruner',
    intervalMs: Math.min(600_000, Math.max(1000, (retentionSeconds * 1000) / 10)),
    batchSize,
    sweepBatch: () => pruneEvents(db, retentionSeconds, batchSize),
    log,
  });
}
