import { sql, type Kysely } from 'kysely';
import type { AgentCredential } from '@xem/protocol';
import type { Database } from '../db/schema';
import { newId, sha256Hex } from '../ids';
import { looksLikeSecret, mintSecret } from './secret-format';

export interface AgentIdentity {
  agentId: string;
  projectId: string;
  status: Database['agents']['status'];
  /** An operator paused the whole agent (`paused_at`), whatever its status says now. */
  paused: boolean;
}

/** Issues a credential valid for `ttlSeconds` (database clock); only its SHA-256 is stored. */
export async function issueAgentCredential(
  trx: Kysely<Database>,
  agent: { id: string; project_id: string },
  opts: { ttlSeconds: number; leaseRenewalIntervalMs: number },
): Promise<AgentCredential> {
  const minted = mintSecret('xac');
  const row = await trx
    .insertInto('agent_credentials')
    .values({
      id: newId('acr'),
      agent_id: agent.id,
      token_hash: minted.hash,
      expires_at: sql<Date>`now() + make_interval(secs => ${opts.ttlSeconds})`,
    })
    .returning('expires_at')
    .executeTakeFirstOrThrow();
  return {
    agent_id: agent.id,
    project_id: agent.project_id,
    credential: minted.secret,
    expires_at: row.expires_at.toISOString(),
    lease_renewal_interval_ms: opts.leaseRenewalIntervalMs,
  };
}

/**
 * Resolves a presented `xac_…` credential to its agent, or null when it is malformed,
 * unknown, revoked or expired (database clock), or the agent itself is revoked.
 */
export async function authenticateAgentCredential(
  db: Kysely<Database>,
  token: string,
): Promise<AgentIdentity | null> {
  if (!looksLikeSecret('xac', token)) return null;
  const row = await db
    .selectFrom('agent_credentials as c')
    .innerJoin('agents as a', 'a.id', 'c.agent_id')
    .select(['a.id', 'a.project_id', 'a.status', 'a.paused_at'])
    .where('c.token_hash', '=', sha256Hex(token))
    .where('c.revoked_at', 'is', null)
    .where('c.expires_at', '>', sql<Date>`now()`)
    .where('a.status', '<>', 'revoked')
    .executeTakeFirst();
  return row
    ? { agentId: row.id, projectId: row.project_id, status: row.status, paused: row.paused_at !== null }
    : null;
}
