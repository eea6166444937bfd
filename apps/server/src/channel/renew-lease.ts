import { sql, type Kysely } from 'kysely';
import type { z } from 'zod';
import type { LeaseRenewalFrame } from '@xem/protocol';
import { getAgent } from '../agents/agent-view';
import type { AppDeps } from '../app-deps';
import { appendAudit } from '../audit/append-audit';
import type { AuditContext } from '../audit/audit-context';
import type { Database } from '../db/schema';
import { appendEvent } from '../events/append-event';
import { recoverAgentExecutions } from '../executions/recover-agent-executions';
import { storeManifest } from './store-manifest';

type AgentStatus = Database['agents']['status'];
type LeaseRenewal = z.infer<typeof LeaseRenewalFrame>;

export type RenewalOutcome = { renewed: true; status: AgentStatus } | { renewed: false };

/** Lease TTL: three renewal intervals, so one or two lost frames do not take an agent offline. */
export function leaseTtlMs(deps: Pick<AppDeps, 'config'>): number {
  return 3 * deps.config.leaseRenewalIntervalMs;
}

/**
 * The status an agent renewing its lease gets: a revoked agent stays revoked (it is not
 * renewed at all); an agent saying it is shutting down, or one an operator drains, is
 * `draining`; one an operator paused (`paused_at`, kept across lease loss and reconnects) is
 * `paused`; any other is `online`. Pause and drain are operator decisions an agent cannot undo.
 */
export function statusAfterRenewal(
  current: AgentStatus,
  state: LeaseRenewal['state'],
  paused: boolean,
): AgentStatus {
  if (current === 'revoked') return 'revoked';
  if (state === 'draining' || current === 'draining') return 'draining';
  return paused ? 'paused' : 'online';
}

/** The event of a status a renewal brought; staying in a status, or online → online, has none. */
function renewalEvent(before: AgentStatus, after: AgentStatus): string | null {
  if (after === before) return null;
  if (after === 'draining') return 'agent.draining';
  if (after === 'paused') return 'agent.paused';
  return after === 'online' && before === 'offline' ? 'agent.online' : null;
}

/**
 * One lease renewal, in one transaction: the lease on the database clock, heartbeat, the
 * process holding the channel, the status with its event, and a changed manifest.
 */
export async function renewLease(
  deps: AppDeps,
  agent: { id: string; projectId: string },
  frame: LeaseRenewal,
  ctx: AuditContext,
  opts: {
    /** False for a connection's first renewal (see serveAgentChannel). */
    checkInFlight: boolean;
    /** How long the frame waited in this process before being handled. */
    waitedMs: number;
    /** `execution_id:attempt` of dispatches too fresh to call lost though unlisted. */
    protectedKeys?: ReadonlySet<string>;
  },
): Promise<RenewalOutcome> {
  const ttlMs = leaseTtlMs(deps);
  return deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('agents')
      .select(['status', 'paused_at', 'pause_reason', 'manifest_hash', 'manifest_version'])
      .where('id', '=', agent.id)
      .forUpdate()
      .executeTakeFirst();
    if (!row || row.status === 'revoked') return { renewed: false };
    const status = statusAfterRenewal(row.status, frame.state, row.paused_at !== null);
    const statusChanged = status !== row.status;
    const reasons: Partial<Record<AgentStatus, string | null>> = {
      draining: 'the agent is shutting down',
      paused: row.pause_reason,
    };
    await trx
      .updateTable('agents')
      .set({
        status,
        ...(statusChanged ? { status_reason: reasons[status] ?? null } : {}),
        lease_expires_at: sql<Date>`now() + ${ttlMs}::int * interval '1 millisecond'`,
        last_heartbeat_at: sql<Date>`now()`,
        connected_to: deps.instanceId,
      })
      .where('id', '=', agent.id)
      .execute();

    const manifestChanged =
      frame.manifest_hash !== row.manifest_hash || frame.manifest_version !== row.manifest_version;
    // Without the manifest itself there is nothing to store; the agent sends it with the
    // first renewal of each connection and whenever it changes.
    if (manifestChanged && frame.manifest) {
      await storeManifest(
        trx,
        agent,
        {
          manifest: frame.manifest,
          manifestHash: frame.manifest_hash,
          manifestVersion: frame.manifest_version,
        },
        ctx,
      );
    }

    if (opts.checkInFlight) {
      await recoverUnlisted(
        trx,
        agent.id,
        frame,
        deps.config.leaseRenewalIntervalMs + opts.waitedMs,
        opts.protectedKeys ?? new Set(),
        ctx,
      );
    }

    const event = renewalEvent(row.status, status);
    if (event) {
      const payload = await getAgent(trx, agent.projectId, agent.id);
      await appendEvent(trx, agent.projectId, event, payload);
      await appendAudit(trx, agent.projectId, ctx, {
        action: event,
        targetType: 'agent',
        targetId: agent.id,
        before: { status: row.status },
        after: { status },
      });
    }
    return { renewed: true, status };
  });
}

/**
 * Work the router dispatched to this agent more than one renewal interval before the frame
 * arrived (a dispatch frame may have crossed the renewal) that the agent no longer lists as
 * running is lost: it is recovered like a lost agent's. Dispatches sent on this connection
 * are spared until a second renewal omits them (`protectedKeys`).
 */
async function recoverUnlisted(
  trx: Kysely<Database>,
  agentId: string,
  frame: LeaseRenewal,
  graceMs: number,
  protectedKeys: ReadonlySet<string>,
  ctx: AuditContext,
): Promise<void> {
  const listed = new Set([...frame.in_flight.map((f) => `${f.execution_id}:${f.attempt}`), ...protectedKeys]);
  const dispatched = await trx
    .selectFrom('executions')
    .select(['id', 'attempt'])
    .where('agent_id', '=', agentId)
    .where('status', '=', 'dispatched')
    .where('dispatched_at', '<', sql<Date>`now() - ${graceMs}::int * interval '1 millisecond'`)
    .execute();
  const lost = dispatched.filter((e) => !listed.has(`${e.id}:${e.attempt}`)).map((e) => e.id);
  if (lost.length > 0) {
    await recoverAgentExecutions(trx, agentId, 'the agent no longer lists it as running', {
      executionIds: lost,
      ctx,
    });
  }
}
