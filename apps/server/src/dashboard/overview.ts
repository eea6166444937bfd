import { sql, type Kysely } from 'kysely';
import type { OpsOverview } from '@xem/protocol';
import type { Database } from '../db/schema';

const iso = (d: Date | string) => new Date(d).toISOString();

/** The Overview cards and the executions-per-minute trend of one project, on the database clock. */
export async function loadOverview(db: Kysely<Database>, projectId: string): Promise<OpsOverview> {
  const counts = await sql<{
    agents_online: number;
    agents_total: number;
    active: number;
    queued: number;
    awaiting: number;
    pending_approvals: number;
    now: Date;
    at: Date;
  }>`
    SELECT
      (SELECT count(*)::int FROM agents WHERE project_id = ${projectId} AND status = 'online') AS agents_online,
      (SELECT count(*)::int FROM agents WHERE project_id = ${projectId} AND status <> 'revoked') AS agents_total,
      (SELECT count(*)::int FROM executions WHERE project_id = ${projectId} AND status = 'dispatched') AS active,
      (SELECT count(*)::int FROM executions WHERE project_id = ${projectId} AND status = 'queued') AS queued,
      (SELECT count(*)::int FROM executions WHERE project_id = ${projectId} AND status = 'pending_approval') AS awaiting,
      (SELECT count(*)::int FROM approvals WHERE project_id = ${projectId} AND status = 'pending') AS pending_approvals,
      date_trunc('minute', now()) AS now, now() AS at`.execute(db);
  const c = counts.rows[0]!;
  const trend = await sql<{ minute: Date; count: number }>`
    SELECT date_trunc('minute', created_at) AS minute, count(*)::int AS count
    FROM executions
    WHERE project_id = ${projectId} AND created_at >= date_trunc('minute', now()) - interval '59 minutes'
    GROUP BY 1`.execute(db);
  const byMinute = new Map(trend.rows.map((r) => [iso(r.minute), r.count]));
  const end = new Date(c.now).getTime();
  const executions_per_minute = Array.from({ length: 60 }, (_, i) => {
    const minute = new Date(end - (59 - i) * 60_000).toISOString();
    return { minute, count: byMinute.get(minute) ?? 0 };
  });
  return {
    agents_online: c.agents_online,
    agents_total: c.agents_total,
    active_executions: c.active,
    pending_approvals: c.pending_approvals,
    queue_depth: c.queued,
    awaiting_approval: c.awaiting,
    executions_per_minute,
    as_of: iso(c.at),
  };
}
