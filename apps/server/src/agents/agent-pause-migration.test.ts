import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../db/client';
import { loadMigrations, migrate } from '../db/migrate';

const url = process.env.DATABASE_URL;
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** A fresh, unmigrated database: embedded in memory, or a throw-away one on DATABASE_URL. */
async function emptyDatabase(): Promise<Db> {
  if (!url) {
    const db = await createDb({ dataDir: 'memory://' });
    cleanups.push(() => db.close());
    return db;
  }
  const name = `xem_pause_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  const db = await createDb({ databaseUrl: u.toString(), poolSize: 2 });
  cleanups.push(async () => {
    await db.close();
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.end();
  });
  return db;
}

describe('migration 0003_agent_pause', () => {
  it('turns the paused status of existing agents into paused_at / pause_reason', async () => {
    const db = await emptyDatabase();
    const all = loadMigrations();
    await migrate(
      db.pool,
      all.filter((m) => m.version < 3),
    );
    await db.pool.query(`INSERT INTO projects (id, slug, name) VALUES ('proj_m', 'm', 'M')`);
    const agent = (id: string, status: string, reason: string | null) =>
      db.pool.query(
        `INSERT INTO agents (id, project_id, registration_name, hostname, version, region, public_key, status, status_reason)
         VALUES ($1, 'proj_m', $1, 'h', '0', 'r', 'k', $2, $3)`,
        [id, status, reason],
      );
    await agent('agt_paused', 'paused', 'disk full');
    await agent('agt_online', 'online', null);
    await agent('agt_offline', 'offline', 'lease expired');

    expect(await migrate(db.pool, all)).toEqual(all.filter((m) => m.version >= 3).map((m) => m.version));
    const { rows } = await db.pool.query<{
      id: string;
      status: string;
      paused: boolean;
      pause_reason: string | null;
    }>(`SELECT id, status, paused_at IS NOT NULL AS paused, pause_reason FROM agents ORDER BY id`);
    expect(rows).toEqual([
      { id: 'agt_offline', status: 'offline', paused: false, pause_reason: null },
      { id: 'agt_online', status: 'online', paused: false, pause_reason: null },
      { id: 'agt_paused', status: 'paused', paused: true, pause_reason: 'disk full' },
    ]);
  });
});
