import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { AppDeps } from '../app-deps';
import { startBatchSweeper } from '../loops/start-batch-sweeper';
import { SYSTEM_CONTEXT } from '../audit/audit-context';
import { recordAgentOffline } from './record-agent-offline';

/** Agents taken offline per sweep transaction; the next sweep follows at once when full. */
const BATCH = 100;

/**
 * Takes agents whose lease lapsed (database clock) offline and recovers their executions.
 * States: idle (timer armed for the next poll interval) → sweeping (one transaction per batch)
 * → idle; stopped ends the timer and waits for a running sweep. Replicas sweep concurrently:
 * each lapsed agent is claimed by exactly one of them (SKIP LOCKED, then a conditional UPDATE).
 */
export function startLeaseSweeper(
  deps: Pick<AppDeps, 'db' | 'config'>,
  log?: Pick<FastifyBaseLogger, 'error'>,
): () => Promise<void> {
  return startBatchSweeper({
    name: 'lease sweep',
    intervalMs: deps.config.dispatchPollIntervalMs,
    batchSize: BATCH,
    sweepBatch: () => sweepLapsedLeases(deps),
    log,
  });
}

/**
 * One batch: returns how many agents it took offline. An operator's pause (`paused_at`) is
 * left alone: a paused agent that comes back renews into `paused`, not `online`.
 */
export async function sweepLapsedLeases(deps: Pick<AppDeps, 'db'>): Promise<number> {
  return deps.db.transaction().execute(async (trx) => {
    const lapsed = await sql<{ id: string; project_id: string; previous_status: string }>`
      UPDATE agents a SET status = 'offline', status_reason = 'lease expired', connected_to = NULL
      FROM (
        SELECT id, status FROM agents
        WHERE status IN ('online', 'paused', 'draining') AND lease_expires_at < now()
        ORDER BY lease_expires_at
        LIMIT ${BATCH}
        FOR UPDATE SKIP LOCKED
      ) old
      WHERE a.id = old.id AND a.status IN ('online', 'paused', 'draining')
      RETURNING a.id, a.project_id, old.status AS previous_status`.execute(trx);
    for (const agent of lapsed.rows) {
      await recordAgentOffline(trx, agent, 'lease expired', SYSTEM_CONTEXT);
    }
    return lapsed.rows.length;
  });
}
