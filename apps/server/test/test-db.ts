import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import type { Db } from '../src/db/client';
import { pgListener, pgliteListener } from '../src/db/listen';
import { loadMigrations, migrate } from '../src/db/migrate';
import type { Database } from '../src/db/schema';

const CACHE_DIR = join(process.cwd(), 'node_modules', '.cache', 'xem-test');

/**
 * A fresh, migrated database for one test file. With DATABASE_URL it is a new database on that
 * server (dropped by close()), a copy of the run's migrated template database when the global
 * setup made one; otherwise an in-memory PGlite loaded from a migrated template, which is built
 * once per migration set and cached on disk.
 */
export async function createTestDb(): Promise<Db> {
  const url = process.env.DATABASE_URL;
  return url ? createPgTestDb(url) : createPgliteTestDb();
}

async function createPgTestDb(url: string): Promise<Db> {
  const name = `xem_t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const template = inject('pgTemplateDb');
  await admin.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`);
  await admin.end();
  const u = new URL(url);
  u.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: u.toString(), max: 10 });
  pool.on('error', () => {});
  await migrate(pool);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const listener = pgListener(u.toString());
  return {
    kind: 'postgres',
    db,
    pool,
    listen: listener.listen,
    close: async () => {
      await listener.close();
      await db.destroy();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function templateDump(): Promise<Blob> {
  const migrations = loadMigrations();
  const hash = createHash('sha256')
    .update(migrations.map((m) => m.sql).join('\n'))
    .digest('hex')
    .slice(0, 16);
  const file = join(CACHE_DIR, `pglite-${hash}.tar`);
  if (!existsSync(file)) {
    const pglite = await PGlite.create();
    const pool = new pg.Pool(createPgConfig(pglite) as unknown as pg.PoolConfig);
    await migrate(pool, migrations);
    await pool.end();
    const dump = await pglite.dumpDataDir('none');
    await pglite.close();
    mkdirSync(CACHE_DIR, { recursive: true });
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, Buffer.from(await dump.arrayBuffer()));
    renameSync(tmp, file);
  }
  return new Blob([readFileSync(file)]);
}

async function createPgliteTestDb(): Promise<Db> {
  const pglite = await PGlite.create({ loadDataDir: await templateDump() });
  const pool = new pg.Pool(createPgConfig(pglite) as unknown as pg.PoolConfig);
  await migrate(pool);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    kind: 'pglite',
    db,
    pool,
    listen: pgliteListener(pglite, pool).listen,
    close: async () => {
      await db.destroy();
      await pglite.close();
    },
  };
}
