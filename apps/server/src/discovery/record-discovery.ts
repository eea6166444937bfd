import { sql, type Kysely } from 'kysely';
import type { DiscoveredComponent } from '@xem/protocol';
import { canonicalJson } from '../audit/canonical-json';
import type { Database } from '../db/schema';
import { appendEvent } from '../events/append-event';
import { newId } from '../ids';
import type { CandidateRow } from './discovery-view';

type Component = DiscoveredComponent;

export interface RecordedDiscovery {
  /** Candidates seen for the first time. */
  created: number;
  /** Rejected candidates proposed again because their attributes changed. */
  reopened: number;
  /** Candidates already known whose last_seen_at was refreshed. */
  refreshed: number;
}

/**
 * Stores the components of one discovery frame as candidates, in the caller's transaction.
 * The same component is (agent, kind, address — or name when there is no address). A new one is
 * `pending` and appends `discovery.found`; a known one gets last_seen_at, name and attributes
 * refreshed and keeps its status, except that a rejected one whose attributes changed becomes
 * `pending` again (and is announced again): the owner rejected what it was, not what it is now.
 */
export async function recordDiscovery(
  trx: Kysely<Database>,
  agent: { id: string; projectId: string },
  components: readonly Component[],
): Promise<RecordedDiscovery> {
  const out: RecordedDiscovery = { created: 0, reopened: 0, refreshed: 0 };
  for (const c of components) {
    const key = c.address ?? c.name;
    const attributes = canonicalJson(c.attributes ?? {});
    let row = await find(trx, agent.id, c.kind, key);
    if (!row) {
      const inserted = await trx
        .insertInto('discovery_candidates')
        .values({
          id: newId('disc'),
          project_id: agent.projectId,
          agent_id: agent.id,
          kind: c.kind,
          name: c.name,
          address: c.address ?? null,
          dedupe_key: key,
          attributes,
          decided_by: null,
          decided_at: null,
          reason: null,
        })
        .onConflict((oc) => oc.columns(['agent_id', 'kind', 'dedupe_key']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (inserted) {
        out.created += 1;
        await appendEvent(trx, agent.projectId, 'discovery.found', found(inserted.id, agent.id, c));
        continue;
      }
      // Another connection of the same agent stored it meanwhile: refresh that row instead.
      row = (await find(trx, agent.id, c.kind, key))!;
    }
    const reopen = row.status === 'rejected' && canonicalJson(row.attributes ?? {}) !== attributes;
    await trx
      .updateTable('discovery_candidates')
      .set({
        name: c.name,
        attributes,
        last_seen_at: sql<Date>`now()`,
        ...(reopen ? { status: 'pending', decided_by: null, decided_at: null, reason: null } : {}),
      })
      .where('id', '=', row.id)
      .execute();
    if (reopen) {
      out.reopened += 1;
      await appendEvent(trx, agent.projectId, 'discovery.found', found(row.id, agent.id, c));
    } else out.refreshed += 1;
  }
  return out;
}

function find(
  trx: Kysely<Database>,
  agentId: string,
  kind: string,
  key: string,
): Promise<CandidateRow | undefined> {
  return trx
    .selectFrom('discovery_candidates')
    .selectAll()
    .where('agent_id', '=', agentId)
    .where('kind', '=', kind)
    .where('dedupe_key', '=', key)
    .forUpdate()
    .executeTakeFirst();
}

/** The `discovery.found` payload: the candidate's id and the component as the agent described it. */
function found(id: string, agentId: string, c: Component) {
  return { id, agent_id: agentId, component: c };
}
