import { sql, type Kysely } from 'kysely';
import type {
  CreateDelegationRequest,
  Delegation,
  DelegationTier,
  ListDelegationsQuery,
} from '@xem/protocol';
import type { Database } from '../db/schema';
import { appendAudit } from '../audit/append-audit';
import { appendEvent } from '../events/append-event';
import { AppError, notFound } from '../http/app-error';
import { decodeCursor, keysetAfter, microsText, pageOf } from '../http/keyset-cursor';
import { assertOwner, type Actor } from '../http/principal';
import { newId } from '../ids';
import { delegationsWithMembership, isLiveDelegation } from './live-delegation';

function delegationsQuery(db: Kysely<Database>, projectId: string) {
  return delegationsWithMembership(db)
    .innerJoin('users as u', 'u.id', 'd.user_id')
    .select([
      'd.id',
      'd.user_id',
      'u.email',
      'd.tier',
      'd.expires_at',
      'd.granted_by',
      'd.created_at',
      'd.revoked_at',
      'd.revoked_by',
    ])
    .select(isLiveDelegation.as('active'))
    .where('d.project_id', '=', projectId);
}

type DelegationRow = Awaited<ReturnType<ReturnType<typeof delegationsQuery>['executeTakeFirstOrThrow']>>;

function toDelegation(r: DelegationRow): Delegation {
  return {
    id: r.id,
    user_id: r.user_id,
    email: r.email,
    tier: r.tier as DelegationTier,
    expires_at: r.expires_at?.toISOString() ?? null,
    granted_by: r.granted_by,
    created_at: r.created_at.toISOString(),
    revoked_at: r.revoked_at?.toISOString() ?? null,
    revoked_by: r.revoked_by,
    active: r.active,
  };
}

async function getDelegation(db: Kysely<Database>, projectId: string, id: string): Promise<Delegation> {
  const row = await delegationsQuery(db, projectId).where('d.id', '=', id).executeTakeFirst();
  if (!row) throw notFound('delegation', id);
  return toDelegation(row);
}

/** Delegations of the project, newest first (created_at DESC, id DESC), one keyset page. */
export async function listDelegations(
  db: Kysely<Database>,
  projectId: string,
  q: ListDelegationsQuery,
): Promise<{ data: Delegation[]; next_cursor: string | null }> {
  const after = q.cursor === undefined ? null : decodeCursor(q.cursor, 'time_id');
  const rows = await delegationsQuery(db, projectId)
    .select(microsText('d.created_at').as('created_us'))
    .$if(q.user_id !== undefined, (b) => b.where('d.user_id', '=', q.user_id!))
    .$if(q.tier !== undefined, (b) => b.where('d.tier', '=', q.tier!))
    .$if(q.active === true, (b) => b.where(isLiveDelegation))
    .$if(q.active === false, (b) => b.where(sql<boolean>`NOT ${isLiveDelegation}`))
    .$if(after !== null, (b) => b.where(keysetAfter(['d.created_at', 'd.id'], after!, 'time_id', 'desc')))
    .orderBy('d.created_at', 'desc')
    .orderBy('d.id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const page = pageOf(rows, q.limit, (r) => [r.created_us, r.id]);
  return { data: page.rows.map(toDelegation), next_cursor: page.next_cursor };
}

/**
 * Locks the project row, as membership changes do (members-service), so a grant and a role
 * change or removal of the grantee or the granting owner never interleave; then re-reads the
 * actor's role: an owner demoted while this request waited cannot grant. Admins need no
 * membership.
 */
async function lockAndAssertOwner(trx: Kysely<Database>, actor: Actor, projectId: string): Promise<void> {
  await trx
    .selectFrom('projects')
    .select('id')
    .where('id', '=', projectId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (actor.isAdmin) return;
  const mine = await trx
    .selectFrom('memberships')
    .select('role')
    .where('project_id', '=', projectId)
    .where('user_id', '=', actor.userId)
    .executeTakeFirst();
  if (mine?.role !== 'owner')
    throw new AppError('owner_required', 'only project owners can grant approval delegations');
}

/**
 * Grants a member approval authority for one tier, optionally until a time. Only owners (and
 * admins) grant: a delegate is a `member`, so there is no path by which a delegation begets
 * another (one hop). A second live grant of the same user and tier is refused with 409
 * `conflict` rather than merged, so an expiry is never silently changed: revoke, then grant.
 */
export async function grantDelegation(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  input: CreateDelegationRequest,
): Promise<Delegation> {
  assertOwner(actor, 'grant approval delegations');
  return db.transaction().execute(async (trx) => {
    // Serialises grants of the project with each other and with membership changes.
    await lockAndAssertOwner(trx, actor, projectId);
    const grantee = await trx
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.role', 'u.email', 'u.is_admin'])
      .where('m.project_id', '=', projectId)
      .where('m.user_id', '=', input.user_id)
      .executeTakeFirst();
    if (!grantee) {
      throw new AppError(
        'not_found',
        `user ${input.user_id} is not a member of this project; add them as a member first`,
        { param: 'user_id' },
      );
    }
    if (grantee.role !== 'member' || grantee.is_admin) {
      const who = grantee.is_admin ? 'an admin' : 'an owner of this project';
      throw new AppError(
        'conflict',
        `${grantee.email} is ${who} and may already approve every risk tier; delegations are for members`,
        { param: 'user_id' },
      );
    }
    if (input.expires_at !== undefined) await assertFuture(trx, input.expires_at);
    const live = await delegationsWithMembership(trx)
      .select(['d.id', 'd.expires_at'])
      .where('d.project_id', '=', projectId)
      .where('d.user_id', '=', input.user_id)
      .where('d.tier', '=', input.tier)
      .where(isLiveDelegation)
      .executeTakeFirst();
    if (live) {
      const until = live.expires_at ? `until ${live.expires_at.toISOString()}` : 'without expiry';
      throw new AppError(
        'conflict',
        `${grantee.email} already holds a live ${input.tier} delegation (${live.id}, ${until}); revoke it first to grant a new one`,
        { param: 'tier' },
      );
    }
    const id = newId('dlg');
    await trx
      .insertInto('delegations')
      .values({
        id,
        project_id: projectId,
        user_id: input.user_id,
        tier: input.tier,
        expires_at: input.expires_at ?? null,
        granted_by: actor.userId,
      })
      .execute();
    const delegation = await getDelegation(trx, projectId, id);
    await appendAudit(trx, projectId, actor.ctx, {
      action: 'delegation.grant',
      targetType: 'delegation',
      targetId: id,
      after: delegation,
    });
    await appendEvent(trx, projectId, 'delegation.granted', delegation);
    return delegation;
  });
}

async function assertFuture(trx: Kysely<Database>, expiresAt: string): Promise<void> {
  const { rows } = await sql<{ future: boolean; now: Date }>`
    SELECT ${expiresAt}::timestamptz > now() AS future, now() AS now`.execute(trx);
  const r = rows[0]!;
  if (!r.future) {
    throw new AppError(
      'invalid_body',
      `expires_at ${expiresAt} is not in the future (server time ${r.now.toISOString()}); give a later time or leave it out`,
      { param: 'expires_at' },
    );
  }
}

/**
 * Revokes a delegation; it stops counting at once, since every authority check reads the
 * database. Revoking one that is already revoked changes nothing and returns it as it is.
 */
export async function revokeDelegation(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  delegationId: string,
): Promise<Delegation> {
  assertOwner(actor, 'revoke approval delegations');
  return db.transaction().execute(async (trx) => {
    const locked = await trx
      .selectFrom('delegations')
      .select('revoked_at')
      .where('project_id', '=', projectId)
      .where('id', '=', delegationId)
      .forUpdate()
      .executeTakeFirst();
    if (!locked) throw notFound('delegation', delegationId);
    const before = await getDelegation(trx, projectId, delegationId);
    if (locked.revoked_at) return before;
    await trx
      .updateTable('delegations')
      .set({ revoked_at: sql<Date>`now()`, revoked_by: actor.userId })
      .where('id', '=', delegationId)
      .execute();
    const after = await getDelegation(trx, projectId, delegationId);
    await appendAudit(trx, projectId, actor.ctx, {
      action: 'delegation.revoke',
      targetType: 'delegation',
      targetId: delegationId,
      before,
      after,
    });
    await appendEvent(trx, projectId, 'delegation.revoked', after);
    return after;
  });
}

/**
 * Revokes a user's unexpired delegations in the caller's transaction, when they leave the
 * project or their role changes: a delegation belongs to the membership it was granted under,
 * so it never comes back with a later one. Returns how many were revoked.
 */
export async function revokeMemberDelegations(
  trx: Kysely<Database>,
  actor: Actor,
  projectId: string,
  userId: string,
  reason: 'member_removed' | 'role_changed',
): Promise<number> {
  const revoked = await trx
    .updateTable('delegations')
    .set({ revoked_at: sql<Date>`now()`, revoked_by: actor.userId })
    .where('project_id', '=', projectId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
    .returning('id')
    .execute();
  for (const { id } of revoked) {
    const after = await getDelegation(trx, projectId, id);
    await appendAudit(trx, projectId, actor.ctx, {
      action: 'delegation.revoke',
      targetType: 'delegation',
      targetId: id,
      after: { ...after, reason },
    });
    await appendEvent(trx, projectId, 'delegation.revoked', { ...after, reason });
  }
  return revoked.length;
}
