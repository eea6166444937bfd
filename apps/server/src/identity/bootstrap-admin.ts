import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { appendAudit } from '../audit/append-audit';
import { SYSTEM_CONTEXT } from '../audit/audit-context';
import { appendEvent } from '../events/append-event';
import { randomToken } from '../ids';
import { insertProject } from '../projects/projects';
import type { PasswordHasher } from './password';
import { insertUser } from './users';

export interface BootstrapResult {
  created: boolean;
  email?: string;
  /** Set only when the password was generated; print it once and forget it. */
  generatedPassword?: string;
  projectId?: string;
}

/**
 * On an empty database, creates the first admin and a default project in one transaction.
 * Replicas booting together race on the users table lock; exactly one creates them.
 */
export async function bootstrapAdmin(
  db: Kysely<Database>,
  hasher: PasswordHasher,
  opts: { email?: string | undefined; password?: string | undefined; projectSlug: string },
): Promise<BootstrapResult> {
  const existing = await db.selectFrom('users').select('id').limit(1).executeTakeFirst();
  if (existing) return { created: false };
  const email = opts.email ?? 'admin@localhost';
  const generatedPassword = opts.password ? undefined : randomToken(24);
  const passwordHash = await hasher.hash(opts.password ?? generatedPassword!);
  return db.transaction().execute(async (trx) => {
    await sql`LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE`.execute(trx);
    const again = await trx.selectFrom('users').select('id').limit(1).executeTakeFirst();
    if (again) return { created: false };
    const user = await insertUser(trx, { email, name: 'Administrator', passwordHash, isAdmin: true });
    const project = await insertProject(trx, opts.projectSlug, 'Default project');
    await trx
      .insertInto('memberships')
      .values({ project_id: project.id, user_id: user.id, role: 'owner' })
      .execute();
    await appendAudit(trx, project.id, SYSTEM_CONTEXT, {
      action: 'project.bootstrap',
      targetType: 'project',
      targetId: project.id,
      after: { project_id: project.id, slug: project.slug, admin_user_id: user.id, admin_email: email },
    });
    await appendEvent(trx, project.id, 'project.created', { id: project.id, slug: project.slug });
    return {
      created: true,
      email,
      projectId: project.id,
      ...(generatedPassword ? { generatedPassword } : {}),
    };
  });
}
