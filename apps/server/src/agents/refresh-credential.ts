import { sql, type Kysely } from 'kysely';
import { refreshMessage, type AgentCredential, type RefreshRequest } from '@xem/protocol';
import type { AuditContext } from '../audit/audit-context';
import { appendAudit } from '../audit/append-audit';
import type { Database } from '../db/schema';
import { AppError } from '../http/app-error';
import { randomToken } from '../ids';
import { issueAgentCredential } from './agent-credentials';
import type { EnrollDeps } from './enroll-agent';
import { verifyEd25519 } from './ed25519';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const CHALLENGE_TTL_SECONDS = 60;
/** Live challenges kept per agent; older ones are dropped so callers cannot pile them up. */
const MAX_LIVE_CHALLENGES = 5;

function refused(agentId: string, why: string): AppError {
  return new AppError('invalid_agent_credential', `agent ${agentId} cannot refresh its credential: ${why}`);
}

const unknownOrRevoked = (agentId: string) =>
  refused(agentId, 'the agent is unknown or revoked; enroll again with a join key');

/** A single-use challenge for the agent to sign, valid for 60 s (database clock). */
export async function createChallenge(
  db: Kysely<Database>,
  agentId: string,
): Promise<{ challenge: string; expires_at: string }> {
  return db.transaction().execute(async (trx) => {
    const agent = await trx
      .selectFrom('agents')
      .select('id')
      .where('id', '=', agentId)
      .where('status', '<>', 'revoked')
      .executeTakeFirst();
    if (!agent) throw unknownOrRevoked(agentId);
    const row = await trx
      .insertInto('agent_challenges')
      .values({
        challenge: randomToken(43, BASE62),
        agent_id: agentId,
        expires_at: sql<Date>`now() + make_interval(secs => ${CHALLENGE_TTL_SECONDS})`,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await sql`DELETE FROM agent_challenges WHERE agent_id = ${agentId} AND (expires_at <= now() OR challenge NOT IN (
      SELECT challenge FROM agent_challenges WHERE agent_id = ${agentId}
      ORDER BY expires_at DESC LIMIT ${MAX_LIVE_CHALLENGES}))`.execute(trx);
    return { challenge: row.challenge, expires_at: row.expires_at.toISOString() };
  });
}

/**
 * Issues a new credential for a valid Ed25519 signature (by the enrolled key) over
 * `refreshMessage(agent_id, challenge)`. The challenge is consumed before the signature is
 * checked, so a wrong signature burns it too: each challenge gets exactly one attempt.
 */
export async function refreshCredential(
  deps: EnrollDeps,
  input: RefreshRequest,
  ctx: AuditContext,
): Promise<AgentCredential> {
  const consumed = await deps.db
    .deleteFrom('agent_challenges')
    .where('challenge', '=', input.challenge)
    .where('agent_id', '=', input.agent_id)
    .returning(sql<boolean>`expires_at > now()`.as('fresh'))
    .executeTakeFirst();
  if (!consumed?.fresh) {
    throw refused(input.agent_id, 'the challenge is unknown, used or expired; ask for a new one');
  }
  return deps.db.transaction().execute(async (trx) => {
    // Locked so that a concurrent revocation either comes first (refused) or after (revokes this too).
    const agent = await trx
      .selectFrom('agents')
      .select(['id', 'project_id', 'public_key'])
      .where('id', '=', input.agent_id)
      .where('status', '<>', 'revoked')
      .forUpdate()
      .executeTakeFirst();
    if (!agent) throw unknownOrRevoked(input.agent_id);
    if (!verifyEd25519(agent.public_key, refreshMessage(agent.id, input.challenge), input.signature)) {
      throw refused(agent.id, 'the signature does not verify with the enrolled public key');
    }
    const credential = await issueAgentCredential(trx, agent, {
      ttlSeconds: deps.agentCredentialTtlSeconds,
      leaseRenewalIntervalMs: deps.leaseRenewalIntervalMs,
    });
    await appendAudit(
      trx,
      agent.project_id,
      { ...ctx, actorType: 'agent', actorId: agent.id, via: 'agent' },
      {
        action: 'agent.refresh_credential',
        targetType: 'agent',
        targetId: agent.id,
        after: { expires_at: credential.expires_at },
      },
    );
    return credential;
  });
}
