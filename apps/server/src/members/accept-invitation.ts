import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { appendAudit } from '../audit/append-audit';
import type { AuditContext } from '../audit/audit-context';
import { appendEvent } from '../events/append-event';
import { AppError } from '../http/app-error';
import type { PasswordHasher } from '../identity/password';
import { findUserByEmail, insertUser, type UserRow } from '../identity/users';
import { sha256Hex } from '../ids';

const INVALID = 'this invitation link is not valid: it may have expired, been used or been revoked; ask an owner for a new one';

/**
 * Redeems an invitation once (a conditional UPDATE decides concurrent redeems). A new e-mail
 * gets an account with the chosen password; an existing account must prove its password.
 */
export async function acceptInvitation(
  db: Kysely<Database>,
  hasher: PasswordHasher,
  ctx: AuditContext,
  input: { token: string; password: string; name?: string | undefined },
): Promise<{ user: UserRow; projectId: string }> {
  const pending = await db
    .selectFrom('invitations')
    .selectAll()
    .where('token_hash', '=', sha256Hex(input.token))
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  if (!pending) throw new AppError('invitation_invalid', INVALID, { param: 'token' });
  const existing = await findUserByEmail(db, pending.email);
  if (existing && !(await hasher.verify(input.password, existing.password_hash))) {
    throw new AppError('invalid_credentials', `an account for ${pending.email} exists; enter its password to join`, {
      param: 'password',
    });
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
    const user = existing ?? (await insertUser(trx, { email: inv.email, name: input.name, passwordHash: newHash! }));
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
