import type { Kysely } from 'kysely';
import type { DelegationTier } from '@xem/protocol';
import type { Database } from '../db/schema';
import { stageOf, type ApprovalRow } from './approval-view';
import { delegatesFor } from './delegated-tiers';

export interface Recipient {
  /** Lowercased address. */
  email: string;
  /** The project member behind the address, when there is one among the stage's approvers. */
  userId: string | null;
  /** Named by e-mail in the stage: may decide through a one-time link. */
  external: boolean;
}

/**
 * Whom to tell about the approval's current stage, one entry per address: `role:owner` → the
 * project's owners; `delegates:<tier>` → members holding a live delegation for that tier (an
 * irreversible delegation covers destructive; revoked, expired or ex-members excluded);
 * `usr_…` → that user while a member; an address → an external reviewer. When the level
 * forbids self-approval, the requester is left out, however they are listed.
 */
export async function stageRecipients(db: Kysely<Database>, row: ApprovalRow): Promise<Recipient[]> {
  const stage = stageOf(row);
  const specs = stage.approvers;
  const userIds = new Set(specs.filter((a) => a.startsWith('usr_')));
  for (const spec of specs) {
    if (spec === 'delegates:destructive' || spec === 'delegates:irreversible') {
      const tier = spec.slice('delegates:'.length) as DelegationTier;
      for (const id of await delegatesFor(db, row.project_id, tier)) userIds.add(id);
    }
  }
  const wantOwners = specs.includes('role:owner');
  const members =
    wantOwners || userIds.size > 0
      ? await db
          .selectFrom('memberships as m')
          .innerJoin('users as u', 'u.id', 'm.user_id')
          .select(['u.id', 'u.email'])
          .where('m.project_id', '=', row.project_id)
          .where((eb) =>
            eb.or([
              ...(wantOwners ? [eb('m.role', '=', 'owner')] : []),
              ...(userIds.size > 0 ? [eb('u.id', 'in', [...userIds])] : []),
            ]),
          )
          .orderBy('u.email')
          .execute()
      : [];

  const byEmail = new Map<string, Recipient>();
  for (const m of members) byEmail.set(m.email, { email: m.email, userId: m.id, external: false });
  for (const spec of specs) {
    if (!spec.includes('@')) continue;
    const email = spec.toLowerCase();
    const known = byEmail.get(email);
    byEmail.set(email, { email, userId: known?.userId ?? null, external: true });
  }

  if (stage.policy.self_approval === 'forbidden' && row.requested_by_user !== null) {
    const requester = await db
      .selectFrom('users')
      .select('email')
      .where('id', '=', row.requested_by_user)
      .executeTakeFirst();
    if (requester) byEmail.delete(requester.email);
  }
  return [...byEmail.values()];
}
