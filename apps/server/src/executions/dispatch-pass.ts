import { sql, type Kysely } from 'kysely';
import type { DispatchFrame } from '@xem/protocol';
import { actionHashSql } from '../approvals/action-hash';
import type { AppDeps } from '../app-deps';
import { SYSTEM_CONTEXT } from '../audit/audit-context';
import type { Database } from '../db/schema';
import { changeExecutionStatus, recordTransition } from './change-execution-status';
import type { ExecutionRow } from './execution-view';

/** Most executions one agent claims per transaction; rounds repeat until nothing is claimable. */
const CLAIM_BATCH = 10;

type PassDeps = Pick<AppDeps, 'db' | 'registry'>;

/**
 * One dispatch pass over the agents connected to this process: each round visits the online
 * agents with free capacity, least loaded first, and lets each claim a batch of queued work it
 * can run; rounds repeat until a round claims nothing. Returns how many executions were sent.
 */
export async function dispatchPass(deps: PassDeps): Promise<number> {
  const local = deps.registry.all().map((s) => s.agentId);
  if (local.length === 0) return 0;
  let sent = 0;
  // Agents whose socket refused a frame sit out the rest of the pass, so it cannot spin.
  const refused = new Set<string>();
  for (;;) {
    const agents = await deps.db
      .selectFrom('agents as a')
      .select((eb) => [
        'a.id',
        'a.max_concurrency',
        eb
          .selectFrom('executions as e')
          .select(eb.fn.countAll<string>().as('n'))
          .whereRef('e.agent_id', '=', 'a.id')
          .where('e.status', '=', 'dispatched')
          .as('load'),
      ])
      .where('a.id', 'in', local)
      .where('a.status', '=', 'online')
      .where('a.lease_expires_at', '>', sql<Date>`now()`)
      .execute();
    const free = agents
      .map((a) => ({ id: a.id, load: Number(a.load ?? 0), free: a.max_concurrency - Number(a.load ?? 0) }))
      .filter((a) => a.free > 0 && !refused.has(a.id))
      .sort((x, y) => x.load - y.load || x.id.localeCompare(y.id));
    let claimedThisRound = 0;
    for (const agent of free) {
      const claimed = await claimFor(deps.db, agent.id, Math.min(agent.free, CLAIM_BATCH));
      claimedThisRound += claimed.length;
      for (const row of claimed) {
        if (await send(deps, row)) sent += 1;
        else refused.add(agent.id);
      }
    }
    if (claimedThisRound === 0) return sent;
  }
}

/**
 * Claims up to `limit` queued executions for one agent in one transaction. The agent row is
 * locked so its status and capacity cannot change under the claim; queued rows are taken
 * oldest first with SKIP LOCKED, so concurrent dispatchers never take the same one.
 */
async function claimFor(db: Kysely<Database>, agentId: string, limit: number): Promise<ExecutionRow[]> {
  return db.transaction().execute(async (trx) => {
    const locked = await trx
      .selectFrom('agents')
      .select(['project_id', 'max_concurrency'])
      .where('id', '=', agentId)
      .where('status', '=', 'online')
      .where('lease_expires_at', '>', sql<Date>`now()`)
      .forUpdate()
      .executeTakeFirst();
    if (!locked) return [];
    // Counted in its own statement, after the lock: a statement that waited for the lock still
    // sees its starting snapshot, which misses what the previous holder dispatched.
    const load = await trx
      .selectFrom('executions')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('agent_id', '=', agentId)
      .where('status', '=', 'dispatched')
      .executeTakeFirstOrThrow();
    const a = { project_id: locked.project_id };
    const take = Math.min(limit, locked.max_concurrency - Number(load.n));
    if (take <= 0) return [];
    // The claim is a CTE (executed exactly once, like graphile-worker's getJobs): as a plain
    // sub-select of the UPDATE the planner may rescan it, and SKIP LOCKED would then hand out
    // more rows than the LIMIT.
    const claimed = await sql<ExecutionRow>`
      WITH c AS MATERIALIZED (
        SELECT q.id FROM executions q
        WHERE q.status = 'queued' AND q.project_id = ${a.project_id}
          AND q.tool IN (SELECT t.name FROM agent_tools t WHERE t.agent_id = ${agentId})
          AND q.workspace_id IN (
            SELECT wa.workspace_id FROM workspace_agents wa
            JOIN workspaces w ON w.id = wa.workspace_id
            WHERE wa.agent_id = ${agentId} AND wa.paused_at IS NULL AND w.paused_at IS NULL)
          -- An approved execution runs only while it is still the action that was approved.
          AND (q.approval_id IS NULL OR EXISTS (
            SELECT 1 FROM approvals ap WHERE ap.id = q.approval_id AND ap.status = 'approved'
              AND ap.action_hash = ${actionHashSql('q', sql.ref('ap.policy_version'))}))
        ORDER BY q.queued_at, q.id
        LIMIT ${take}
        FOR UPDATE OF q SKIP LOCKED
      ), u AS (
        UPDATE executions e
        SET status = 'dispatched', attempt = e.attempt + 1, agent_id = ${agentId},
            dispatched_at = now(),
            deadline_at = now() + make_interval(secs => (e.timeout_ms + greatest(5000, e.timeout_ms / 10)) / 1000.0),
            exit_code = NULL, error = NULL, finished_at = NULL
        FROM c
        WHERE e.id = c.id AND e.status = 'queued'
        RETURNING e.*
      )
      SELECT * FROM u ORDER BY queued_at, id`.execute(trx);
    const rows = claimed.rows;
    for (const row of rows) {
      await trx
        .insertInto('execution_attempts')
        .values({
          execution_id: row.id,
          attempt: row.attempt,
          agent_id: agentId,
          status: 'dispatched',
          exit_code: null,
          error: null,
          stdout: '',
          stderr: '',
          truncated: false,
          dispatched_at: row.dispatched_at!,
          finished_at: null,
        })
        .execute();
      await recordTransition(trx, row, 'queued', null, SYSTEM_CONTEXT, 'execution.dispatch');
    }
    return rows;
  });
}

/** Sends the dispatch frame; a frame that cannot be sent puts the execution back in the queue. */
async function send(deps: PassDeps, row: ExecutionRow): Promise<boolean> {
  const frame: DispatchFrame = {
    type: 'dispatch',
    execution_id: row.id,
    attempt: row.attempt,
    tool: row.tool,
    args: row.args as Record<string, unknown>,
    workspace_id: row.workspace_id,
    timeout_ms: row.timeout_ms,
  };
  let ok = false;
  try {
    ok = deps.registry.get(row.agent_id!)?.send(frame) ?? false;
  } catch {
    ok = false;
  }
  if (!ok) await requeueUnsent(deps.db, row);
  return ok;
}

/**
 * The agent never got the work, so it goes back to the queue whatever the tool's idempotency.
 * No dispatch notification: the socket is going away, and the backstop poll retries the work
 * without spinning on a dead channel.
 */
async function requeueUnsent(db: Kysely<Database>, row: ExecutionRow): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const changed = await changeExecutionStatus(trx, {
      executionId: row.id,
      to: 'queued',
      from: ['dispatched'],
      attempt: row.attempt,
      agentId: row.agent_id!,
      set: { agent_id: null, dispatched_at: null, deadline_at: null },
      reason: `the dispatch frame could not be sent to agent ${row.agent_id}`,
      ctx: SYSTEM_CONTEXT,
      action: 'execution.requeue',
    });
    if (!changed) return;
    await trx
      .updateTable('execution_attempts')
      .set({
        status: 'failed',
        error: JSON.stringify({ code: 'send_failed', message: 'the dispatch frame could not be sent' }),
        finished_at: sql`now()`,
      })
      .where('execution_id', '=', row.id)
      .where('attempt', '=', row.attempt)
      .execute();
  });
}
