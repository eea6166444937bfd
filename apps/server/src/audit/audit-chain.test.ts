import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditVerifyResult } from '@xem/protocol';
import { auditRowHash, type AuditRowContent } from './audit-hash';
import {
  bearer,
  createTestApp,
  login,
  opsRequest,
  seedApiKey,
  seedProject,
  seedUser,
  type TestApp,
} from '../../test/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const ROWS = 6;

/** A fresh project whose chain holds exactly ROWS rows, and a management key for it. */
async function chain(): Promise<{ projectId: string; key: string }> {
  const p = await seedProject(t);
  const { key } = await seedApiKey(t, p.id, p.owner.id);
  for (let i = 0; i < ROWS - 1; i++) {
    const res = await t.app.inject({
      method: 'POST',
      url: `/${p.id}/v1/management/keys`,
      headers: bearer(key),
      payload: { name: `k${i}`, scopes: ['execution'] },
    });
    expect(res.statusCode).toBe(201);
  }
  const u = await seedUser(t);
  await t.app.inject({
    method: 'POST',
    url: `/${p.id}/v1/management/project/members`,
    headers: bearer(key),
    payload: { email: u.email },
  });
  return { projectId: p.id, key };
}

async function verify(c: { projectId: string; key: string }): Promise<AuditVerifyResult> {
  const res = await t.app.inject({
    method: 'GET',
    url: `/${c.projectId}/v1/management/audit/verify`,
    headers: bearer(c.key),
  });
  expect(res.statusCode, res.body).toBe(200);
  return AuditVerifyResult.parse(res.json());
}

/**
 * Runs statements the way an attacker with database access would: on one raw connection with
 * triggers disabled (which bypasses the append-only guard), restoring the connection afterwards.
 */
async function tamper(statements: Array<[string, unknown[]]>): Promise<void> {
  const client = await t.database.pool.connect();
  try {
    await client.query('SET session_replication_role = replica');
    for (const [text, params] of statements) await client.query(text, params);
  } finally {
    await client.query('SET session_replication_role = DEFAULT');
    client.release();
  }
}

/** The hashed content of a row as pg returns it, with `changes` applied. */
function content(row: Record<string, unknown>, changes: Partial<AuditRowContent> = {}): AuditRowContent {
  return {
    project_id: row.project_id as string,
    seq: String(row.seq),
    at: (row.at as Date).toISOString(),
    actor_type: row.actor_type as string,
    actor_id: row.actor_id as string | null,
    via: row.via as string,
    request_id: row.request_id as string | null,
    ip: row.ip as string | null,
    action: row.action as string,
    target_type: row.target_type as string | null,
    target_id: row.target_id as string | null,
    outcome: row.outcome as string,
    before: row.before,
    after: row.after,
    prev_hash: row.prev_hash as string,
    ...changes,
  };
}

async function rowsOf(projectId: string): Promise<Array<Record<string, unknown>>> {
  const { rows } = await t.database.pool.query('SELECT * FROM audit_log WHERE project_id = $1 ORDER BY seq', [
    projectId,
  ]);
  return rows;
}

const kinds = (r: AuditVerifyResult) => r.problems.map((p) => `${p.kind}@${p.seq}`);

describe('audit chain verification', () => {
  it('reports an intact chain as ok', async () => {
    const c = await chain();
    expect(await verify(c)).toEqual({ ok: true, rows_checked: ROWS, head_seq: ROWS, problems: [] });
  });

  it('the dashboard route verifies the active project', async () => {
    const p = await seedProject(t);
    const s = await login(t.app, p.owner.email, p.owner.password);
    await opsRequest(t.app, s, 'POST', '/ops/api/keys', { name: 'x', scopes: ['execution'] });
    const res = await opsRequest(t.app, s, 'GET', '/ops/api/audit/verify');
    expect(AuditVerifyResult.parse(res.json())).toEqual({
      ok: true,
      rows_checked: 1,
      head_seq: 1,
      problems: [],
    });
  });

  it('catches a changed row', async () => {
    const c = await chain();
    await tamper([
      [`UPDATE audit_log SET after = '{"name":"innocent"}' WHERE project_id = $1 AND seq = 3`, [c.projectId]],
    ]);
    const r = await verify(c);
    expect(r.ok).toBe(false);
    expect(kinds(r)).toEqual(['hash_mismatch@3']);
    expect(r.problems[0]!.message).toMatch(/row 3/);
  });

  it('catches a changed row whose own hash was recomputed: the next row no longer follows it', async () => {
    const c = await chain();
    const forged = content((await rowsOf(c.projectId))[2]!, { actor_id: 'usr_someone_else' });
    const hash = auditRowHash(forged);
    await tamper([
      [
        `UPDATE audit_log SET actor_id = $2, hash = $3 WHERE project_id = $1 AND seq = 3`,
        [c.projectId, forged.actor_id, hash],
      ],
    ]);
    // Its own hash checks out now, but the next row still names the original.
    const r = await verify(c);
    expect(kinds(r)).toEqual(['chain_broken@4']);
  });

  it('catches a deleted row in the middle', async () => {
    const c = await chain();
    await tamper([[`DELETE FROM audit_log WHERE project_id = $1 AND seq = 3`, [c.projectId]]]);
    const r = await verify(c);
    expect(r.ok).toBe(false);
    expect(r.rows_checked).toBe(ROWS - 1);
    expect(kinds(r)).toEqual(expect.arrayContaining(['missing_rows@3', 'chain_broken@4']));
  });

  it('catches a deleted last row (against the chain head)', async () => {
    const c = await chain();
    await tamper([[`DELETE FROM audit_log WHERE project_id = $1 AND seq = $2`, [c.projectId, ROWS]]]);
    const r = await verify(c);
    expect(r.ok).toBe(false);
    expect(r.head_seq).toBe(ROWS);
    expect(kinds(r)).toEqual([`head_mismatch@${ROWS}`]);
  });

  it('catches the first row deleted', async () => {
    const c = await chain();
    await tamper([[`DELETE FROM audit_log WHERE project_id = $1 AND seq = 1`, [c.projectId]]]);
    const r = await verify(c);
    expect(kinds(r)).toEqual(expect.arrayContaining(['missing_rows@1', 'chain_broken@2']));
  });

  it('catches two rows swapped (their sequence numbers exchanged)', async () => {
    const c = await chain();
    await tamper([
      [`UPDATE audit_log SET seq = -1 WHERE project_id = $1 AND seq = 2`, [c.projectId]],
      [`UPDATE audit_log SET seq = 2 WHERE project_id = $1 AND seq = 3`, [c.projectId]],
      [`UPDATE audit_log SET seq = 3 WHERE project_id = $1 AND seq = -1`, [c.projectId]],
    ]);
    const r = await verify(c);
    expect(r.ok).toBe(false);
    expect(r.rows_checked).toBe(ROWS);
    expect(kinds(r)).toEqual(expect.arrayContaining(['chain_broken@2', 'chain_broken@3']));
  });

  it('catches two rows swapped with every hash recomputed to match the new order', async () => {
    const c = await chain();
    // Swapping contents and re-chaining from the swap onwards still leaves the head behind.
    const rows = await rowsOf(c.projectId);
    const reordered = [rows[0]!, rows[2]!, rows[1]!, ...rows.slice(3)];
    let prev = rows[0]!.prev_hash as string;
    const updates: Array<[string, unknown[]]> = [];
    reordered.forEach((r, i) => {
      const row = content(r, { seq: String(i + 1), prev_hash: prev });
      const hash = auditRowHash(row);
      updates.push([
        `UPDATE audit_log SET at = $3, actor_type = $4, actor_id = $5, via = $6, request_id = $7, ip = $8,
           action = $9, target_type = $10, target_id = $11, outcome = $12, before = $13, after = $14,
           prev_hash = $15, hash = $16
         WHERE project_id = $1 AND seq = $2`,
        [
          c.projectId,
          i + 1,
          row.at,
          row.actor_type,
          row.actor_id,
          row.via,
          row.request_id,
          row.ip,
          row.action,
          row.target_type,
          row.target_id,
          row.outcome,
          row.before === null ? null : JSON.stringify(row.before),
          row.after === null ? null : JSON.stringify(row.after),
          prev,
          hash,
        ],
      ]);
      prev = hash;
    });
    await tamper(updates);
    const r = await verify(c);
    expect(r.ok).toBe(false);
    expect(kinds(r)).toEqual([`head_mismatch@${ROWS}`]);
    // The forgery itself is faithful: only the head gives it away. Whoever can also rewrite
    // audit_heads can rewrite history; anchoring the head outside the database closes that.
    await tamper([[`UPDATE audit_heads SET hash = $2 WHERE project_id = $1`, [c.projectId, prev]]]);
    expect((await verify(c)).ok).toBe(true);
  });

  it("tampering with one project's chain does not implicate another's", async () => {
    const a = await chain();
    const b = await chain();
    await tamper([[`DELETE FROM audit_log WHERE project_id = $1 AND seq = 2`, [a.projectId]]]);
    expect((await verify(a)).ok).toBe(false);
    expect((await verify(b)).ok).toBe(true);
  });
});
