import { sql, type Kysely } from 'kysely';
import type { AgentCredential, EnrollRequest } from '@xem/protocol';
import { SYSTEM_CHAIN, type AuditContext } from '../audit/audit-context';
import { auditDenied } from '../audit/append-audit';
import type { Database } from '../db/schema';
import { AppError } from '../http/app-error';
import { newId, sha256Hex } from '../ids';
import { recordChange } from '../workspaces/record-change';
import { issueAgentCredential } from './agent-credentials';
import { toAgent } from './agent-view';
import { ed25519PublicKey } from './ed25519';
import { looksLikeSecret } from './secret-format';

export interface EnrollDeps {
  db: Kysely<Database>;
  agentCredentialTtlSeconds: number;
  leaseRenewalIntervalMs: number;
}

/** One answer for unknown, used-up, expired and revoked keys: a caller learns nothing more. */
function invalidJoinKey(): AppError {
  return new AppError(
    'invalid_join_key',
    'the join key is not valid (unknown, expired, revoked or used up); ask a project owner for a new one',
    { param: 'join_key' },
  );
}

/**
 * Enrolls an agent: consumes one use of the join key with a single conditional UPDATE (so N
 * parallel enrolls with a key of M uses succeed exactly min(N, M) times), creates the agent —
 * or, for a revoked agent of the same registration name, replaces its key and keeps its id —
 * binds it to the key's workspace (else the project's default) and issues a credential.
 * `ctx` is the request's audit context; the actor becomes the agent.
 */
export async function enrollAgent(
  deps: EnrollDeps,
  input: EnrollRequest,
  ctx: AuditContext,
): Promise<AgentCredential> {
  if (!ed25519PublicKey(input.public_key)) {
    throw new AppError('invalid_body', 'public_key: not a raw 32-byte Ed25519 public key (base64url)', {
      param: 'public_key',
    });
  }
  try {
    if (!looksLikeSecret('xjk', input.join_key)) throw invalidJoinKey();
    return await deps.db.transaction().execute((trx) => enrollIn(trx, deps, input, ctx));
  } catch (err) {
    if (err instanceof AppError && err.code === 'invalid_join_key') {
      // The key's project is unknown here, so the refusal goes to the system chain.
      await auditDenied(deps.db, SYSTEM_CHAIN, ctx, {
        action: 'agent.enroll_refused',
        targetType: 'agent',
        targetId: input.registration_name,
        after: { registration_name: input.registration_name, hostname: input.hostname },
      });
    }
    throw err;
  }
}

async function enrollIn(
  trx: Kysely<Database>,
  deps: EnrollDeps,
  input: EnrollRequest,
  ctx: AuditContext,
): Promise<AgentCredential> {
  const key = await trx
    .updateTable('join_keys')
    .set({ uses: sql<number>`uses + 1` })
    .where('key_hash', '=', sha256Hex(input.join_key))
    .where(sql<boolean>`uses < max_uses`)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returningAll()
    .executeTakeFirst();
  if (!key) throw invalidJoinKey();
  const projectId = key.project_id;
  const conflict = () =>
    new AppError(
      'conflict',
      `an agent named "${input.registration_name}" is already enrolled in this project; revoke its credentials first or pick another registration name`,
      { param: 'registration_name' },
    );
  const fields = {
    hostname: input.hostname,
    version: input.version,
    region: input.region ?? key.region,
    public_key: input.public_key,
    join_key_id: key.id,
    max_concurrency: input.max_concurrent_executions,
  };
  const existing = await trx
    .selectFrom('agents')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('registration_name', '=', input.registration_name)
    .forUpdate()
    .executeTakeFirst();
  if (existing && existing.status !== 'revoked') throw conflict();
  const before = existing ? await toAgent(trx, existing) : null;
  const row = existing
    ? await trx
        .updateTable('agents')
        .set({ ...fields, status: 'offline', status_reason: null, revoked_at: null })
        .where('id', '=', existing.id)
        .returningAll()
        .executeTakeFirstOrThrow()
    : await trx
        .insertInto('agents')
        .values({
          id: newId('agt'),
          project_id: projectId,
          registration_name: input.registration_name,
          description: '',
          status: 'offline',
          manifest_version: 0,
          ...fields,
        })
        // A parallel enroll of the same name won: this one is the conflict.
        .onConflict((oc) => oc.columns(['project_id', 'registration_name']).doNothing())
        .returningAll()
        .executeTakeFirst();
  if (!row) throw conflict();
  const workspace = await trx
    .selectFrom('workspaces')
    .select('id')
    .where('project_id', '=', projectId)
    .$if(key.workspace_id !== null, (q) => q.where('id', '=', key.workspace_id!))
    .$if(key.workspace_id === null, (q) => q.where('is_default', '=', true))
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('workspace_agents')
    .values({ workspace_id: workspace.id, agent_id: row.id })
    .onConflict((oc) => oc.columns(['workspace_id', 'agent_id']).doNothing())
    .execute();
  const credential = await issueAgentCredential(trx, row, {
    ttlSeconds: deps.agentCredentialTtlSeconds,
    leaseRenewalIntervalMs: deps.leaseRenewalIntervalMs,
  });
  const agent = await toAgent(trx, row);
  await recordChange(
    trx,
    projectId,
    { ...ctx, actorType: 'agent', actorId: row.id, via: 'agent' },
    {
      action: 'agent.enroll',
      event: 'agent.enrolled',
      targetType: 'agent',
      targetId: row.id,
      before,
      after: { ...agent, join_key_id: key.id, re_enrolled: existing !== undefined },
      payload: agent,
    },
  );
  return credential;
}
