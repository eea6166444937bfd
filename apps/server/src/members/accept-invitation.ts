import { sql, type Kysely } from 'kysely';
import type { AppDeps } from '../app-deps';
import type { Database } from '../db/schema';
import { appendAudit } from '../audit/append-audit';
import type { AuditContext } from '../audit/audit-context';
import { appendEvent } from '../events/append-event';
import { AppError } from '../http/app-error';
import { findUserByEmail, insertUser, type UserRow } from '../identity/users';
import { sha256Hex } from '../ids';
import { verifyCredentials } from '../sessions/verify-credentials';

const INVALID =
  'this invitation link is not valid: it may have expired, been used or been revoked; ask an owner for a new one';

function findPending(db: Kysely<Database>, token: string) {
  return db
    .selectFrom('invitations')
    .selectAll()
    .where('token_hash', '=', sha256Hex(token))
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
}

/** What the invitation page shows before anything is decided; null when the link is not valid. */
export async function describeInvitation(
  db: Kysely<Database>,
  token: string,
): Promise<{ email: string; role: string; projectName: string; existingAccount: boolean } | null> {
  const inv = await findPending(db, token);
  if (!inv) return null;
  const project = await db
    .selectFrom('projects')
    .select('name')
    .where('id', '=', inv.project_id)
    .executeTakeFirst();
  const user = await findUserByEmail(db, inv.email);
  return { email: inv.email, role: inv.role, projectName: project?.name ?? '', existingAccount: !!user };
}

/**
 * Redeems an invitation once (a conditional UPDATE decides concurrent redeems). A new e-mail
 * gets an account with the chosen password; an existing account must prove its password, under
 * the same throttle as sign-in (a leaked link must not allow unlimited guesses).
 */
export async function acceptInvitation(
  deps: AppDeps,
  ctx: AuditContext,
  input: { token: string; password: string; name?: string | undefined },
): Promise<{ user: UserRow; projectId: string }> {
  const { db, hasher } = deps;
  const pending = await findPending(db, input.token);
  if (!pending) throw new AppError('invitation_invalid', INVALID, { param: 'token' });
  const existing = await findUserByEmail(db, pending.email);
  if (existing) {
    try {
      await verifyCredentials(deps, ctx, pending.email, input.password);
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'invalid_credentials') throw err;
      const message = `an account for ${pending.email} exists; enter its password to join`;
      throw new AppError('invalid_credentials', message, { param: 'password' });
    }
  }
  const newHash = existing ? null : await hasher.hash(input.password);
  return db.transaction().execute(async (trx) => {
    const inv = await trx
      .updateTable('invitations')
      .set({ accepted_at: sql<Date>`now()` })
      .where('id', '=', pending.id)
      .where('accepted_at', 'is', null)
      .where('revoked_at', 'is', null)
      .where('expires_at', '>', sql<Date>`now()`)
      .returningAll()
      .executeTakeFirst();
    if (!inv) throw new AppError('invitation_invalid', INVALID, { param: 'token' });
    const user = existing ?? (await insertInvitedUser(trx, inv.email, input.name, newHash!));
    await trx
      .insertInto('memberships')
      .values({ project_id: inv.project_id, user_id: user.id, role: inv.role })
      .onConflict((oc) => oc.columns(['project_id', 'user_id']).doNothing())
      .execute();
    const actx: AuditContext = { ...ctx, actorType: 'user', actorId: user.id, userId: user.id };
    await appendAudit(trx, inv.project_id, actx, {
      action: 'invitation.accept',
      targetType: 'invitation',
      targetId: inv.id,
      after: { user_id: user.id, email: user.email, role: inv.role, new_account: !existing },
    });
    await appendEvent(trx, inv.project_id, 'member.added', { user_id: user.id, role: inv.role });
    return { user, projectId: inv.project_id };
  });
}

/**
 * A unique-email clash means another invitation for this e-mail created the account since we
 * looked: this accept rolls back, its invitation stays pending, and can be accepted again with
 * that account's password.
 */
async function insertInvitedUser(
  trx: Kysely<Database>,
  email: string,
  name: string | undefined,
  passwordHash: string,
): Promise<UserRow> {
  try {
    return await insertUser(trx, { email, name, passwordHash });
  } catch (err) {
    if ((err as { code?: unknown }).code !== '23505') throw err;
    const message = `an account for ${email} was just created; accept again with its password`;
    throw new AppError('conflict', message, { param: 'password', cause: err });
  }
}
