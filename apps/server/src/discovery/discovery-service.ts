import { sql, type Kysely } from 'kysely';
import type { DiscoveryCandidate, DiscoveryListQuery } from '@xem/protocol';
import { appendAudit } from '../audit/append-audit';
import type { Database } from '../db/schema';
import { appendEvent } from '../events/append-event';
import { AppError } from '../http/app-error';
import { decodeCursor, keysetAfter, microsText, pageOf } from '../http/keyset-cursor';
import { assertOwner, type Actor } from '../http/principal';
import { getCandidateRow, toCandidate } from './discovery-view';

/** Candidates of the project, newest first (first_seen_at DESC, id DESC), one keyset page. */
export async function listCandidates(
  db: Kysely<Database>,
  projectId: string,
  q: DiscoveryListQuery,
): Promise<{ data: DiscoveryCandidate[]; next_cursor: string | null }> {
  const after = q.cursor === undefined ? null : decodeCursor(q.cursor, 'time_id');
  const rows = await db
    .selectFrom('discovery_candidates')
    .selectAll()
    .select(microsText('first_seen_at').as('first_seen_us'))
    .where('project_id', '=', projectId)
    .$if(q.status !== undefined, (b) => b.where('status', '=', q.status!))
    .$if(q.agent !== undefined, (b) => b.where('agent_id', '=', q.agent!))
    .$if(q.kind !== undefined, (b) => b.where('kind', '=', q.kind!))
    .$if(after !== null, (b) => b.where(keysetAfter(['first_seen_at', 'id'], after!, 'time_id', 'desc')))
    .orderBy('first_seen_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const page = pageOf(rows, q.limit, (r) => [r.first_seen_us, r.id]);
  return { data: page.rows.map(toCandidate), next_cursor: page.next_cursor };
}

export async function getCandidate(
  db: Kysely<Database>,
  projectId: string,
  candidateId: string,
): Promise<DiscoveryCandidate> {
  return toCandidate(await getCandidateRow(db, projectId, candidateId));
}

export type DiscoveryDecision = 'accepted' | 'rejected';

/**
 * Accepts or rejects a candidate (owners only). A decision may be changed later (an accepted
 * component rejected takes it out of the graph), but deciding what is already decided that way is
 * a 409 `discovery_already_decided`. The change, its event and the audit row commit together.
 */
export async function decideCandidate(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  candidateId: string,
  decision: DiscoveryDecision,
  reason: string | null,
): Promise<DiscoveryCandidate> {
  assertOwner(actor, `${decision === 'accepted' ? 'accept' : 'reject'} discovered components`);
  return db.transaction().execute(async (trx) => {
    const old = toCandidate(await getCandidateRow(trx, projectId, candidateId, true));
    if (old.status === decision) {
      throw new AppError(
        'discovery_already_decided',
        `discovery candidate ${candidateId} is already ${decision} (by ${old.decided_by ?? 'an unknown user'} at ${old.decided_at})`,
      );
    }
    const row = await trx
      .updateTable('discovery_candidates')
      .set({ status: decision, decided_by: actor.userId, decided_at: sql<Date>`now()`, reason })
      .where('id', '=', candidateId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const candidate = toCandidate(row);
    await appendEvent(trx, projectId, `discovery.${decision}`, candidate);
    await appendAudit(trx, projectId, actor.ctx, {
      action: decision === 'accepted' ? 'discovery.accept' : 'discovery.reject',
      targetType: 'discovery_candidate',
      targetId: candidateId,
      before: old,
      after: candidate,
    });
    return candidate;
  });
}
