import { sql, type Kysely } from 'kysely';
import type {
  AddMemberRequest,
  AddMemberResponse,
  Invitation,
  ListQuery,
  Member,
  ProjectRole,
} from '@xem/protocol';
import type { Database } from '../db/schema';
import { revokeMemberDelegations } from '../approvals/delegations-service';
import { appendAudit } from '../audit/append-audit';
import { appendEvent } from '../events/append-event';
import { AppError, notFound } from '../http/app-error';
import { decodeCursor, keysetAfter, microsText, pageOf } from '../http/keyset-cursor';
import { assertOwner, type Actor } from '../http/principal';
import type { PasswordHasher } from '../identity/password';
import { findUserByEmail, insertUser } from '../identity/users';
import { newId, randomToken, sha256Hex } from '../ids';
import { killUserSessions } from '../sessions/session-store';

export interface MembersDeps {
  db: Kysely<Database>;
  hasher: PasswordHasher;
  baseUrl: string;
  invitationTtlHours: number;
}

function membersQuery(db: Kysely<Database>, projectId: string) {
  return db
    .selectFrom('memberships as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['m.user_id', 'u.email', 'u.name', 'm.role', 'm.created_at'])
    .where('m.project_id', '=', projectId);
}

function toMember(r: {
  user_id: string;
  email: string;
  name: string;
  role: ProjectRole;
  created_at: Date;
}): Member {
  return {
    user_id: r.user_id,
    email: r.email,
    name: r.name,
    role: r.role,
    joined_at: r.created_at.toISOString(),
  };
}

/** Members of the project, oldest first (created_at, user_id), one keyset page. */
export async function listMembers(
  db: Kysely<Database>,
  projectId: string,
  q: ListQuery,
): Promise<{ data: Member[]; next_cursor: string | null }> {
  const after = q.cursor === undefined ? null : decodeCursor(q.cursor, 'time_id');
  const rows = await membersQuery(db, projectId)
    .select(microsText('m.created_at').as('created_us'))
    .$if(after !== null, (b) => b.where(keysetAfter(['m.created_at', 'm.user_id'], after!, 'time_id', 'asc')))
    .orderBy('m.created_at')
    .orderBy('m.user_id')
    .limit(q.limit + 1)
    .execute();
  const page = pageOf(rows, q.limit, (r) => [r.created_us, r.user_id]);
  return { data: page.rows.map(toMember), next_cursor: page.next_cursor };
}

async function getMember(db: Kysely<Database>, projectId: string, userId: string): Promise<Member> {
  const row = await membersQuery(db, projectId).where('m.user_id', '=', userId).executeTakeFirst();
  if (!row) throw notFound('member', userId);
  return toMember(row);
}

/**
 * A known e-mail becomes a member at once. An unknown one gets an invitation with a one-time
 * link, unless an admin gives an initial password: then the user is created and must change
 * it at first login.
 */
export async function addMember(
  deps: MembersDeps,
  actor: Actor,
  projectId: string,
  input: AddMemberRequest,
): Promise<AddMemberResponse> {
  assertOwner(actor, 'add members');
  if (input.initial_password !== undefined && !actor.isAdmin) {
    throw new AppError('admin_required', 'only admins can create users with an initial password', {
      param: 'initial_password',
    });
  }
  const known = await findUserByEmail(deps.db, input.email);
  const initialHash =
    !known && input.initial_password !== undefined ? await deps.hasher.hash(input.initial_password) : null;
  return deps.db.transaction().execute(async (trx) => {
    let user = known;
    if (!user && initialHash) {
      user = await insertUser(trx, {
        email: input.email,
        name: input.name,
        passwordHash: initialHash,
        mustChangePassword: true,
      });
      await appendAudit(trx, projectId, actor.ctx, {
        action: 'user.create',
        targetType: 'user',
        targetId: user.id,
        after: { id: user.id, email: user.email, must_change_password: true },
      });
    }
    if (user) {
      const inserted = await trx
        .insertInto('memberships')
        .values({ project_id: projectId, user_id: user.id, role: input.role })
        .onConflict((oc) => oc.columns(['project_id', 'user_id']).doNothing())
        .returning('user_id')
        .executeTakeFirst();
      if (!inserted)
        throw new AppError('already_member', `${input.email} is already a member of this project`, {
          param: 'email',
        });
      const member = await getMember(trx, projectId, user.id);
      await appendAudit(trx, projectId, actor.ctx, {
        action: 'member.add',
        targetType: 'user',
        targetId: user.id,
        after: member,
      });
      await appendEvent(trx, projectId, 'member.added', { user_id: user.id, role: input.role });
      return { member, invitation: null, invite_url: null };
    }
    const token = randomToken(43);
    const row = await trx
      .insertInto('invitations')
      .values({
        id: newId('inv'),
        project_id: projectId,
        email: input.email,
        role: input.role,
        token_hash: sha256Hex(token),
        invited_by: actor.userId,
        expires_at: sql<Date>`now() + make_interval(hours => ${deps.invitationTtlHours})`,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const invitation = toInvitation(row);
    await appendAudit(trx, projectId, actor.ctx, {
      action: 'invitation.create',
      targetType: 'invitation',
      targetId: row.id,
      after: invitation,
    });
    return { member: null, invitation, invite_url: `${deps.baseUrl}/ops/invitations/accept?token=${token}` };
  });
}

function toInvitation(r: {
  id: string;
  email: string;
  role: ProjectRole;
  invited_by: string | null;
  created_at: Date;
  expires_at: Date;
}): Invitation {
  return {
    id: r.id,
    email: r.email,
    role: r.role,
    invited_by: r.invited_by,
    created_at: r.created_at.toISOString(),
    expires_at: r.expires_at.toISOString(),
  };
}

/**
 * Locks the project row, so owner changes of one project are serialised: two owners demoting
 * each other at once cannot both succeed and leave the project without an owner.
 */
async function lockProjectOwners(trx: Kysely<Database>, projectId: string): Promise<number> {
  await trx
    .selectFrom('projects')
    .select('id')
    .where('id', '=', projectId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const r = await trx
    .selectFrom('memberships')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('project_id', '=', projectId)
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function setMemberRole(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  userId: string,
  role: ProjectRole,
): Promise<Member> {
  assertOwner(actor, 'change roles');
  return db.transaction().execute(async (trx) => {
    const owners = await lockProjectOwners(trx, projectId);
    // The actor's own role may have changed while we waited for the lock.
    if (!actor.isAdmin) {
      const mine = await trx
        .selectFrom('memberships')
        .select('role')
        .where('project_id', '=', projectId)
        .where('user_id', '=', actor.userId)
        .executeTakeFirst();
      if (mine?.role !== 'owner')
        throw new AppError('owner_required', 'only project owners can change roles');
    }
    const before = await getMember(trx, projectId, userId);
    if (before.role === role) return before;
    if (before.role === 'owner' && owners <= 1) {
      throw new AppError(
        'last_owner',
        `${before.email} is the last owner of this project; make another member owner first`,
        { param: 'role' },
      );
    }
    await trx
      .updateTable('memberships')
      .set({ role })
      .where('project_id', '=', projectId)
      .where('user_id', '=', userId)
      .execute();
    const after = { ...before, role };
    const killed = await killUserSessions(trx, userId);
    await appendAudit(trx, projectId, actor.ctx, {
      action: 'member.set_role',
      targetType: 'user',
      targetId: userId,
      before,
      after: { ...after, sessions_ended: killed },
    });
    await appendEvent(trx, projectId, 'member.role_changed', { user_id: userId, role });
    await revokeMemberDelegations(trx, actor, projectId, userId, 'role_changed');
    return after;
  });
}

export async function removeMember(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  userId: string,
): Promise<void> {
  assertOwner(actor, 'remove members');
  await db.transaction().execute(async (trx) => {
    const owners = await lockProjectOwners(trx, projectId);
    if (!actor.isAdmin) {
      const mine = await trx
        .selectFrom('memberships')
        .select('role')
        .where('project_id', '=', projectId)
        .where('user_id', '=', actor.userId)
        .executeTakeFirst();
      if (mine?.role !== 'owner')
        throw new AppError('owner_required', 'only project owners can remove members');
    }
    const before = await getMember(trx, projectId, userId);
    if (before.role === 'owner' && owners <= 1) {
      throw new AppError(
        'last_owner',
        `${before.email} is the last owner of this project and cannot be removed`,
      );
    }
    await trx
      .deleteFrom('memberships')
      .where('project_id', '=', projectId)
      .where('user_id', '=', userId)
      .execute();
    const killed = await killUserSessions(trx, userId);
    await appendAudit(trx, projectId, actor.ctx, {
      action: 'member.remove',
      targetType: 'user',
      targetId: userId,
      before,
      after: { sessions_ended: killed },
    });
    await appendEvent(trx, projectId, 'member.removed', { user_id: userId });
    await revokeMemberDelegations(trx, actor, projectId, userId, 'member_removed');
  });
}

export async function listInvitations(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  q: ListQuery,
): Promise<{ data: Invitation[]; next_cursor: string | null }> {
  assertOwner(actor, 'list invitations');
  // Newest first; the id breaks ties so that the keyset order is total.
  const after = q.cursor === undefined ? null : decodeCursor(q.cursor, 'time_id');
  const rows = await db
    .selectFrom('invitations')
    .selectAll()
    .select(microsText('created_at').as('created_us'))
    .where('project_id', '=', projectId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .$if(after !== null, (b) => b.where(keysetAfter(['created_at', 'id'], after!, 'time_id', 'desc')))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const page = pageOf(rows, q.limit, (r) => [r.created_us, r.id]);
  return { data: page.rows.map(toInvitation), next_cursor: page.next_cursor };
}

export async function revokeInvitation(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  invitationId: string,
): Promise<void> {
  assertOwner(actor, 'revoke invitations');
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('invitations')
      .set({ revoked_at: sql<Date>`now()` })
      .where('project_id', '=', projectId)
      .where('id', '=', invitationId)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .returningAll()
      .executeTakeFirst();
    if (!row) throw notFound('pending invitation', invitationId);
    await appendAudit(trx, projectId, actor.ctx, {
      action: 'invitation.revoke',
      targetType: 'invitation',
      targetId: invitationId,
      before: toInvitation(row),
    });
  });
}
