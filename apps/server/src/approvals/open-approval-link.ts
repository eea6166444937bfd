import { sql, type Kysely } from 'kysely';
import type { Approval } from '@xem/protocol';
import type { Database } from '../db/schema';
import { loadApproval } from './approval-view';
import { verifyLinkToken, type LinkClaims } from './link-token';

/** What the link page shows. */
export interface LinkView {
  claims: LinkClaims;
  approval: Approval;
  projectName: string;
  workspaceName: string;
  /** The requester's e-mail, or the API key that asked. */
  requester: string;
}

/** Seconds since the epoch on the database clock: link expiry is judged there, not by this process. */
export async function dbNowSeconds(db: Kysely<Database>): Promise<number> {
  const r = await sql<{ now: number }>`SELECT extract(epoch FROM now())::float8 AS now`.execute(db);
  return r.rows[0]!.now;
}

/** The verified claims of `token` for approval `approvalId`, or null (signature, binding, expiry). */
export async function verifiedClaims(
  db: Kysely<Database>,
  secret: string,
  approvalId: string,
  token: string,
): Promise<LinkClaims | null> {
  return verifyLinkToken(secret, token, approvalId, await dbNowSeconds(db));
}

/**
 * Reads what a link shows, changing nothing: mail scanners open links. Null unless the token is
 * valid and its nonce still usable — issued for this approval, project, reviewer and the
 * approval's current stage, unused and unexpired — and the approval still pending.
 */
export async function openApprovalLink(
  db: Kysely<Database>,
  secret: string,
  approvalId: string,
  token: string,
): Promise<LinkView | null> {
  const claims = await verifiedClaims(db, secret, approvalId, token);
  if (!claims) return null;
  const row = await db
    .selectFrom('approval_links as l')
    .innerJoin('approvals as a', 'a.id', 'l.approval_id')
    .innerJoin('workspaces as w', 'w.id', 'a.workspace_id')
    .innerJoin('projects as p', 'p.id', 'a.project_id')
    .leftJoin('users as u', 'u.id', 'a.requested_by_user')
    .select(['p.name as project_name', 'w.name as workspace_name', 'u.email', 'a.requested_by_key'])
    .where('l.jti', '=', claims.jti)
    .where('l.approval_id', '=', claims.aid)
    .where('l.email', '=', claims.sub)
    .where('l.stage_index', '=', claims.stage)
    .where('l.used_at', 'is', null)
    .where('l.expires_at', '>', sql<Date>`now()`)
    .where('a.project_id', '=', claims.pid)
    .where('a.status', '=', 'pending')
    .whereRef('a.stage_index', '=', 'l.stage_index')
    .where('a.stage_deadline_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  if (!row) return null;
  const approval = await loadApproval(db, claims.pid, claims.aid);
  if (!approval) return null;
  return {
    claims,
    approval,
    projectName: row.project_name,
    workspaceName: row.workspace_name,
    requester: row.email ?? `API key ${row.requested_by_key ?? 'unknown'}`,
  };
}
