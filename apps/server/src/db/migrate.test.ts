import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from './client';
import { loadMigrations, migrate } from './migrate';

const url = process.env.DATABASE_URL;
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** A fresh empty database (not migrated), and a way to open more pools on it. */
async function emptyDatabase(): Promise<{ open: () => Promise<Db> }> {
  if (!url) {
    const dir = mkdtempSync(join(tmpdir(), 'xem-migrate-'));
    const db = await createDb({ dataDir: dir });
    cleanups.push(() => db.close());
    // PGlite is a single in-process connection: "replicas" share it.
    return { open: async () => db };
  }
  const name = `xem_mig_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  const opened: Db[] = [];
  cleanups.push(async () => {
    for (const d of opened) await d.close();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  });
  return {
    open: async () => {
      const d = await createDb({ databaseUrl: u.toString(), poolSize: 2 });
      opened.push(d);
      return d;
    },
  };
}

describe('migrate', () => {
  it('applies every migration exactly once when several replicas boot at the same moment', async () => {
    const target = await emptyDatabase();
    const replicas = await Promise.all([target.open(), target.open(), target.open(), target.open()]);
    const results = await Promise.all(replicas.map((r) => migrate(r.pool)));
    const all = loadMigrations().map((m) => m.version);
    // Each version was applied by exactly one replica.
    expect(results.flat().sort((a, b) => a - b)).toEqual(all);
    const { rows } = await replicas[0]!.pool.query<{ version: number }>(
      'SELECT version FROM schema_migrations ORDER BY version',
    );
    expect(rows.map((r) => r.version)).toEqual(all);
    // A later boot has nothing to do.
    expect(await migrate(replicas[1]!.pool)).toEqual([]);
  });

  it('rolls back a failing migration and names it', async () => {
    const target = await emptyDatabase();
    const db = await target.open();
    const dir = mkdtempSync(join(tmpdir(), 'xem-migs-'));
    writeFileSync(join(dir, '0001_ok.sql'), 'CREATE TABLE good_one (id int);');
    writeFileSync(
      join(dir, '0002_broken.sql'),
      'CREATE TABLE half_done (id int); SELECT no_such_function();',
    );
    await expect(migrate(db.pool, loadMigrations(dir))).rejects.toThrow(/migration 2_broken failed/);
    const { rows } = await db.pool.query<{ t: string | null }>(`SELECT to_regclass('half_done')::text AS t`);
    expect(rows[0]!.t).toBeNull();
    const applied = await db.pool.query<{ version: number }>('SELECT version FROM schema_migrations');
    expect(applied.rows.map((r) => r.version)).toEqual([1]);
  });

  it('refuses to run an older build against a database migrated by a newer one', async () => {
    const target = await emptyDatabase();
    const db = await target.open();
    await migrate(db.pool);
    await db.pool.query(`INSERT INTO schema_migrations (version, name) VALUES (9999, 'from_the_future')`);
    await expect(migrate(db.pool)).rejects.toThrow(/does not know \(9999\)/);
  });
});
