import type { Kysely, Selectable } from 'kysely';
import type { DiscoveryCandidate } from '@xem/protocol';
import type { Database, DiscoveryCandidatesTable } from '../db/schema';
import { notFound } from '../http/app-error';

export type CandidateRow = Selectable<DiscoveryCandidatesTable>;

/** Finds a candidate of the project; another project's candidate is a 404 like a missing one. */
export async function getCandidateRow(
  db: Kysely<Database>,
  projectId: string,
  candidateId: string,
  lock = false,
): Promise<CandidateRow> {
  const row = await db
    .selectFrom('discovery_candidates')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('id', '=', candidateId)
    .$if(lock, (q) => q.forUpdate())
    .executeTakeFirst();
  if (!row) throw notFound('discovery candidate', candidateId);
  return row;
}

/** The API shape of a candidate. */
export function toCandidate(r: CandidateRow): DiscoveryCandidate {
  return {
    id: r.id,
    agent_id: r.agent_id,
    kind: r.kind,
    name: r.name,
    address: r.address,
    attributes: (r.attributes ?? {}) as Record<string, unknown>,
    status: r.status,
    first_seen_at: r.first_seen_at.toISOString(),
    last_seen_at: r.last_seen_at.toISOString(),
    decided_by: r.decided_by,
    decided_at: r.decided_at ? new Date(r.decided_at).toISOString() : null,
    reason: r.reason,
  };
}
