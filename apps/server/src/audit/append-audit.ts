import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { AuditContext } from './audit-context';
import { auditRowHash, GENESIS_HASH, type AuditRowContent } from './audit-hash';

export interface AuditRecord {
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  outcome?: 'success' | 'denied' | 'failed';
  before?: unknown;
  after?: unknown;
}

/**
 * Appends one row to a project's hash chain. Call it inside the transaction of the change it
 * records: the head row's lock serialises writers of one chain, and a rollback removes both.
 */
export async function appendAudit(
  trx: Kysely<Database>,
  chain: string,
  ctx: AuditContext,
  rec: AuditRecord,
): Promise<void> {
  await trx
    .insertInto('audit_heads')
    .values({ project_id: chain, seq: '0', hash: GENESIS_HASH })
    .onConflict((oc) => oc.column('project_id').doNothing())
    .execute();
  const head = await sql<{ seq: string; hash: string; at: Date }>`
    SELECT seq, hash, date_trunc('milliseconds', clock_timestamp()) AS at
    FROM audit_heads WHERE project_id = ${chain} FOR UPDATE`.execute(trx);
  const h = head.rows[0]!;
  const row: AuditRowContent = {
    project_id: chain,
    seq: String(BigInt(h.seq) + 1n),
    at: h.at.toISOString(),
    actor_type: ctx.actorType,
    actor_id: ctx.actorId,
    via: ctx.via,
    request_id: ctx.requestId,
    ip: ctx.ip,
    action: rec.action,
    target_type: rec.targetType ?? null,
    target_id: rec.targetId ?? null,
    outcome: rec.outcome ?? 'success',
    before: normalise(rec.before),
    after: normalise(rec.after),
    prev_hash: h.hash,
  };
  const hash = auditRowHash(row);
  await trx
    .insertInto('audit_log')
    .values({
      ...row,
      before: row.before === null ? null : JSON.stringify(row.before),
      after: row.after === null ? null : JSON.stringify(row.after),
      hash,
    })
    .execute();
  await trx.updateTable('audit_heads').set({ seq: row.seq, hash }).where('project_id', '=', chain).execute();
}

// Round-trip through JSON so the hashed value equals what jsonb gives back (dates → strings).
function normalise(v: unknown): unknown {
  return v === undefined || v === null ? null : (JSON.parse(JSON.stringify(v)) as unknown);
}

/** Records a refused attempt in its own transaction, so it survives the refusal. */
export async function auditDenied(
  db: Kysely<Database>,
  chain: string,
  ctx: AuditContext,
  rec: Omit<AuditRecord, 'outcome'>,
): Promise<void> {
  await db.transaction().execute((trx) => appendAudit(trx, chain, ctx, { ...rec, outcome: 'denied' }));
}
