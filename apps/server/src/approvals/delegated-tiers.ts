import type { Kysely } from 'kysely';
import type { DelegationTier } from '@xem/protocol';
import type { Database } from '../db/schema';
import { delegationsWithMembership, isLiveDelegation } from './live-delegation';

/** The delegation tiers that give authority over `tier`: an irreversible delegate may also decide destructive. */
function tiersCovering(tier: DelegationTier): DelegationTier[] {
  return tier === 'destructive' ? ['destructive', 'irreversible'] : ['irreversible'];
}

/**
 * The risk tiers `userId` may approve in `projectId` by delegation: those of their live
 * delegations (see {@link isLiveDelegation}), where `irreversible` also covers `destructive`.
 * Reads the database on every call (nothing is cached), so pass the transaction of the decision.
 * Owners and admins are not delegates: their authority is checked separately.
 */
export async function delegatedTiers(
  db: Kysely<Database>,
  projectId: string,
  userId: string,
): Promise<Set<DelegationTier>> {
  const rows = await delegationsWithMembership(db)
    .select('d.tier')
    .distinct()
    .where('d.project_id', '=', projectId)
    .where('d.user_id', '=', userId)
    .where(isLiveDelegation)
    .execute();
  const tiers = new Set(rows.map((r) => r.tier as DelegationTier));
  if (tiers.has('irreversible')) tiers.add('destructive');
  return tiers;
}

/**
 * User ids holding a live delegation that covers `tier` in `projectId` (for `delegates:<tier>`
 * approvers and their notifications), sorted. `destructive` includes irreversible delegates.
 */
export async function delegatesFor(
  db: Kysely<Database>,
  projectId: string,
  tier: DelegationTier,
): Promise<string[]> {
  const rows = await delegationsWithMembership(db)
    .select('d.user_id')
    .distinct()
    .where('d.project_id', '=', projectId)
    .where('d.tier', 'in', tiersCovering(tier))
    .where(isLiveDelegation)
    .orderBy('d.user_id')
    .execute();
  return rows.map((r) => r.user_id);
}
