import { sql, type Kysely } from 'kysely';
import type { ProjectRole, Scope } from '@xem/protocol';
import type { Database } from '../db/schema';
import { hashKey, looksLikeKey } from './key-format';

export interface KeyIdentity {
  keyId: string;
  keyName: string;
  projectId: string;
  projectSlug: string;
  scopes: Scope[];
  userId: string;
  email: string;
  isAdmin: boolean;
  role: ProjectRole | null;
  mustChangePassword: boolean;
}

/**
 * Resolves a presented key to its identity, or null when it is unknown, revoked, expired, or
 * its creator can no longer act in the project (removed, and not an admin). A key acts for
 * its creator and never with more than the creator may do now.
 */
export async function authenticateKey(db: Kysely<Database>, presented: string): Promise<KeyIdentity | null> {
  if (!looksLikeKey(presented)) return null;
  const row = await db
    .selectFrom('api_keys as k')
    .innerJoin('projects as p', 'p.id', 'k.project_id')
    .innerJoin('users as u', 'u.id', 'k.created_by')
    .leftJoin('memberships as m', (j) =>
      j.onRef('m.project_id', '=', 'k.project_id').onRef('m.user_id', '=', 'k.created_by'),
    )
    .select([
      'k.id',
      'k.name',
      'k.project_id',
      'p.slug',
      'k.scopes',
      'k.last_used_at',
      'u.id as user_id',
      'u.email',
      'u.is_admin',
      'u.must_change_password',
      'm.role',
      sql<boolean>`k.last_used_at IS NULL OR k.last_used_at < now() - interval '60 seconds'`.as('stale_use'),
    ])
    .where('k.key_hash', '=', hashKey(presented))
    .where('k.revoked_at', 'is', null)
    .where((eb) => eb.or([eb('k.expires_at', 'is', null), eb('k.expires_at', '>', sql<Date>`now()`)]))
    .executeTakeFirst();
  if (!row || (!row.role && !row.is_admin)) return null;
  if (row.stale_use) {
    // last_used_at is advisory: written at most once a minute per key to keep reads cheap.
    await db
      .updateTable('api_keys')
      .set({ last_used_at: sql<Date>`now()` })
      .where('id', '=', row.id)
      .execute();
  }
  return {
    keyId: row.id,
    keyName: row.name,
    projectId: row.project_id,
    projectSlug: row.slug,
    scopes: row.scopes as Scope[],
    userId: row.user_id,
    email: row.email,
    isAdmin: row.is_admin,
    role: row.role ?? null,
    mustChangePassword: row.must_change_password,
  };
}
