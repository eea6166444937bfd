import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { stageOf, type ApprovalRow } from './approval-view';

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
  const tiers = specs.filter((a) => a.startsWith('delegates:')).map((a) => a.slice('delegates:'.length));
  const userIds = specs.filter((a) => a.startsWith('usr_'));
  const wantOwners = specs.includes('role:owner');

  const members =
    wantOwners || tiers.length > 0 || userIds.length > 0
      ? await db
          .selectFrom('memberships as m')
          .innerJoin('users as u', 'u.id', 'm.user_id')
          .select(['u.id', 'u.email'])
          .where('m.project_id', '=', row.project_id)
          .where((eb) =>
            eb.or([
              ...(wantOwners ? [eb('m.role', '=', 'owner')] : []),
              ...(userIds.length > 0 ? [eb('u.id', 'in', userIds)] : []),
              ...(tiers.length > 0
                ? [
                    eb.exists(
                      eb
                        .selectFrom('delegations as d')
                        .select('d.id')
                        .whereRef('d.project_id', '=', 'm.project_id')
                        .whereRef('d.user_id', '=', 'm.user_id')
                        .where('d.revoked_at', 'is', null)
                        .where((w) =>
                          w.or([w('d.expires_at', 'is', null), w('d.expires_at', '>', sql<Date>`now()`)]),
                        )
                        .where('d.tier', 'in', coveringTiers(tiers)),
                    ),
                  ]
                : []),
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

/** Delegation tiers that satisfy a `delegates:<tier>` spec: irreversible also covers destructive. */
function coveringTiers(tiers: string[]): string[] {
  const out = new Set<string>();
  for (const t of tiers) {
    out.add(t);
    if (t === 'destructive') out.add('irreversible');
  }
  return [...out];
}
