import type { Kysely } from 'kysely';
import type { AuditVerifyResult } from '@xem/protocol';
import type { Database } from '../db/schema';
import { auditRowHash, GENESIS_HASH } from './audit-hash';

const BATCH = 1000;

/**
 * Walks a chain in sequence order and recomputes every hash. Detects a changed row (its hash no
 * longer matches), a deleted row (a gap in seq, or a missing tail against the head), and a
 * reordered or swapped row (prev_hash no longer names the row before it).
 */
export async function verifyAudit(db: Kysely<Database>, chain: string): Promise<AuditVerifyResult> {
  const problems: AuditVerifyResult['problems'] = [];
  let expectedSeq = 1n;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  let after = '0';
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('project_id', '=', chain)
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(BATCH)
      .execute();
    for (const r of rows) {
      const seq = BigInt(r.seq);
      if (seq !== expectedSeq) {
        problems.push({
          seq: Number(expectedSeq),
          kind: 'missing_rows',
          message: `rows ${expectedSeq}..${seq - 1n} are missing`,
        });
      }
      if (r.prev_hash !== prevHash) {
        problems.push({
          seq: Number(seq),
          kind: 'chain_broken',
          message: `row ${seq} does not follow the row before it (deleted, inserted or reordered)`,
        });
      }
      const recomputed = auditRowHash({
        project_id: r.project_id,
        seq: r.seq,
        at: r.at.toISOString(),
        actor_type: r.actor_type,
        actor_id: r.actor_id,
        via: r.via,
        request_id: r.request_id,
        ip: r.ip,
        action: r.action,
        target_type: r.target_type,
        target_id: r.target_id,
        outcome: r.outcome,
        before: r.before,
        after: r.after,
        prev_hash: r.prev_hash,
      });
      if (recomputed !== r.hash) {
        problems.push({
          seq: Number(seq),
          kind: 'hash_mismatch',
          message: `row ${seq} was changed after it was written`,
        });
      }
      prevHash = r.hash;
      expectedSeq = seq + 1n;
      checked++;
    }
    if (rows.length < BATCH) break;
    after = rows[rows.length - 1]!.seq;
  }
  const head = await db
    .selectFrom('audit_heads')
    .select(['seq', 'hash'])
    .where('project_id', '=', chain)
    .executeTakeFirst();
  const headSeq = head ? BigInt(head.seq) : 0n;
  if (headSeq !== expectedSeq - 1n || (head && head.hash !== prevHash)) {
    problems.push({
      seq: Number(headSeq),
      kind: 'head_mismatch',
      message: `the chain ends at row ${expectedSeq - 1n} but its head records row ${headSeq}: rows at the end were removed or altered`,
    });
  }
  return { ok: problems.length === 0, rows_checked: checked, head_seq: Number(headSeq), problems };
}
