import type { Kysely } from 'kysely';
import type { ProjectRole } from '@xem/protocol';
import type { Database } from '../db/schema';
import { stageOf, type ApprovalRow } from './approval-view';
import { delegatedTiers } from './delegated-tiers';

/** Who is deciding: a signed-in user (dashboard, API key, CLI, chat) or a link's reviewer. */
export type Decider =
  | { kind: 'user'; userId: string; email: string; isAdmin: boolean; role: ProjectRole | null }
  | { kind: 'link'; email: string };

export interface Authority {
  allowed: boolean;
  /** Why not, in words an operator can act on (who can decide instead). */
  reason: string | null;
}

/** The people who may decide the current stage, described for an error message or a page. */
export function eligibleDescription(row: ApprovalRow): string {
  const stage = stageOf(row);
  const parts = new Set<string>(['project owners']);
  if (row.risk === 'destructive' || row.risk === 'irreversible')
    parts.add(`members delegated for ${row.risk}`);
  for (const a of stage.approvers) {
    if (a === 'role:owner') continue;
    if (a.startsWith('delegates:')) parts.add(`members delegated for ${a.slice('delegates:'.length)}`);
    else if (a.startsWith('usr_')) parts.add(a);
    else parts.add(`${a} (through their e-mailed link)`);
  }
  return [...parts].join(', ');
}

/**
 * May `who` decide `row` at its current stage? Owners (and admins) always; members delegated for
 * the tool's tier (or, for read/write levels, any tier); the stage's listed approvers; an
 * external reviewer only through a link naming them. When the level forbids self-approval, the
 * requester — however they act (session, their API key, a chat or MCP conversation they drive,
 * a delegation, a link to their own address) — may not.
 */
export async function authorityOf(db: Kysely<Database>, row: ApprovalRow, who: Decider): Promise<Authority> {
  const stage = stageOf(row);
  const eligible = eligibleDescription(row);
  if (stage.policy.self_approval === 'forbidden') {
    const requester = row.requested_by_user
      ? await db
          .selectFrom('users')
          .select(['id', 'email'])
          .where('id', '=', row.requested_by_user)
          .executeTakeFirst()
      : undefined;
    const isRequester =
      requester !== undefined &&
      ((who.kind === 'user' && who.userId === requester.id) || who.email.toLowerCase() === requester.email);
    if (isRequester) {
      return {
        allowed: false,
        reason: `separation of duties: the ${row.risk} level forbids approving your own request; it can be decided by ${eligible}`,
      };
    }
  }
  if (who.kind === 'link') {
    const listed = stage.approvers.some(
      (a) => a.includes('@') && a.toLowerCase() === who.email.toLowerCase(),
    );
    return listed
      ? { allowed: true, reason: null }
      : { allowed: false, reason: `this reviewer is not an approver of the current stage` };
  }
  if (who.isAdmin || who.role === 'owner') return { allowed: true, reason: null };
  if (who.role === 'member') {
    if (stage.approvers.includes(who.userId)) return { allowed: true, reason: null };
    const tiers: ReadonlySet<string> = await delegatedTiers(db, row.project_id, who.userId);
    const lowRisk = row.risk === 'read' || row.risk === 'write';
    if ((lowRisk && tiers.size > 0) || tiers.has(row.risk)) return { allowed: true, reason: null };
    const listedTier = stage.approvers.some((a) => a.startsWith('delegates:') && tiers.has(a.slice(10)));
    if (listedTier) return { allowed: true, reason: null };
  }
  return {
    allowed: false,
    reason: `you may not decide this ${row.risk} approval; it can be decided by ${eligible}`,
  };
}
