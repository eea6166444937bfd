import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';

/**
 * Delegations `d` with the grantee's current membership `m` of the same project (a left join:
 * `m`'s columns are null once the grantee left the project).
 */
export function delegationsWithMembership(db: Kysely<Database>) {
  return db
    .selectFrom('delegations as d')
    .leftJoin('memberships as m', (j) =>
      j.onRef('m.project_id', '=', 'd.project_id').onRef('m.user_id', '=', 'd.user_id'),
    );
}

/**
 * Whether a row of {@link delegationsWithMembership} gives authority now: not revoked, not
 * expired on the database clock, and the grantee is still a member with the role `member` (an
 * owner has authority of their own; someone who left has none). Evaluated on every check, so a
 * revocation, an expiry or a membership change counts from the next request on.
 */
export const isLiveDelegation = sql<boolean>`(d.revoked_at IS NULL
  AND (d.expires_at IS NULL OR d.expires_at > now())
  AND m.role IS NOT DISTINCT FROM 'member')`;
