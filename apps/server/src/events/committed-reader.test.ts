import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/test-app';
import { appendEvent } from './append-event';
import { CommittedReader } from './committed-reader';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const emit = (n: number) =>
  t.deps.db.transaction().execute((trx) => appendEvent(trx, t.projectId, 'agent.updated', { n }));

describe('CommittedReader', () => {
  it('hands out events in id order and moves its cursor', async () => {
    const reader = new CommittedReader(t.deps.db, await CommittedReader.head(t.deps.db));
    const a = await emit(1);
    const b = await emit(2);
    expect((await reader.next()).map((e) => e.id)).toEqual([a, b]);
    expect(reader.cursor).toBe(BigInt(b));
    expect(await reader.next()).toEqual([]);
  });

  it('orders a batch by the numeric id, also across a digit boundary (9 → 10, 99 → 100)', async () => {
    const head = await CommittedReader.head(t.deps.db);
    const reader = new CommittedReader(t.deps.db, head);
    // One read holds ids on both sides of the next power of ten, where text order puts "10" before "9".
    const boundary = 10n ** BigInt((head + 1n).toString().length);
    const ids: string[] = [];
    while (ids.length === 0 || BigInt(ids[ids.length - 1]!) < boundary) ids.push(await emit(ids.length));
    expect((await reader.next()).map((e) => e.id)).toEqual(ids);
    expect(reader.cursor).toBe(BigInt(ids[ids.length - 1]!));
  });

  it('skips the id of a rolled-back transaction', async () => {
    const reader = new CommittedReader(t.deps.db, await CommittedReader.head(t.deps.db));
    await t.deps.db
      .transaction()
      .execute(async (trx) => {
        await appendEvent(trx, t.projectId, 'agent.updated', { n: 'lost' });
        throw new Error('roll back');
      })
      .catch(() => {});
    const c = await emit(3);
    // On PostgreSQL the snapshot lists every open transaction of the cluster (other test files'
    // too), so the reader may hold the gap for a read or two until they end; it never skips c.
    let got: string[] = [];
    for (let i = 0; i < 200 && got.length === 0; i++) {
      got = (await reader.next()).map((e) => e.id);
      if (got.length === 0) await new Promise((r) => setTimeout(r, 25));
    }
    expect(got).toEqual([c]);
  });

  // PGlite runs one connection: only PostgreSQL can hold two transactions open at once.
  it.runIf(Boolean(process.env.DATABASE_URL))(
    'holds back later events while a transaction holding a lower id is open, then delivers both in order',
    async () => {
      const reader = new CommittedReader(t.deps.db, await CommittedReader.head(t.deps.db));
      const slow = await t.database.pool.connect();
      try {
        await slow.query('BEGIN');
        const held = await slow.query<{ id: string }>(
          `INSERT INTO events (project_id, type, payload) VALUES ($1, 'agent.updated', '{"n":"slow"}') RETURNING id::text AS id`,
          [t.projectId],
        );
        const fast = await emit(4);
        expect(BigInt(fast)).toBeGreaterThan(BigInt(held.rows[0]!.id));
        expect(await reader.next()).toEqual([]);
        expect(await reader.next()).toEqual([]);
        await slow.query('COMMIT');
        expect((await reader.next()).map((e) => e.id)).toEqual([held.rows[0]!.id, fast]);
      } finally {
        slow.release();
      }
    },
  );
});
