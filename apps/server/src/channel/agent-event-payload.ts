import type { Kysely } from 'kysely';
import type { Agent } from '@xem/protocol';
import { toAgent } from '../agents/agent-view';
import type { Database } from '../db/schema';

/**
 * The API shape of an agent (`Agent`), read inside the transaction of a change so the event
 * that records the change carries the state it committed.
 */
export async function agentEventPayload(trx: Kysely<Database>, agentId: string): Promise<Agent> {
  const row = await trx.selectFrom('agents').selectAll().where('id', '=', agentId).executeTakeFirstOrThrow();
  return toAgent(trx, row);
}
