import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from './client';
import { createTestDb } from '../../test/test-db';

let database: Db;
beforeAll(async () => {
  database = await createTestDb();
});
afterAll(() => database.close());

function next(received: string[], count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const until = Date.now() + 5000;
    const tick = () =>
      received.length >= count
        ? resolve()
        : Date.now() > until
          ? reject(new Error('no notification'))
          : setTimeout(tick, 5);
    tick();
  });
}

describe('listen', () => {
  it('delivers a NOTIFY only after the sending transaction commits, and stops after unlisten', async () => {
    const received: string[] = [];
    const unlisten = await database.listen('xem_test_channel', (p) => received.push(p));
    await database.db
      .transaction()
      .execute(async (trx) => {
        await sql`SELECT pg_notify('xem_test_channel', 'rolled-back')`.execute(trx);
        throw new Error('rollback');
      })
      .catch(() => {});
    await sql`SELECT pg_notify('xem_test_channel', 'one')`.execute(database.db);
    await next(received, 1);
    expect(received).toEqual(['one']);
    await unlisten();
    await sql`SELECT pg_notify('xem_test_channel', 'two')`.execute(database.db);
    await sql`SELECT pg_notify('xem_test_channel', 'marker')`.execute(database.db);
    await new Promise((r) => setTimeout(r, 100));
    expect(received).toEqual(['one']);
  });
});
