import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { pgListener, pgliteListener, type Listen } from './listen';
import type { Database } from './schema';

// bigint columns (ids, sequence numbers) arrive as strings; int8 arrays likewise.
export interface Db {
  kind: 'pglite' | 'postgres';
  db: Kysely<Database>;
  pool: pg.Pool;
  /** LISTEN on a channel over one dedicated connection per process. */
  listen: Listen;
  close(): Promise<void>;
}

export interface DbOptions {
  /** postgres:// URL; without it the embedded database is used. */
  databaseUrl?: string | undefined;
  /** Directory of the embedded database, or 'memory://' for a throw-away one. */
  dataDir?: string;
  poolSize?: number;
}

/** Opens PostgreSQL (pooled) or embedded PGlite behind the same pg driver and Kysely dialect. */
export async function createDb(opts: DbOptions): Promise<Db> {
  if (opts.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 10,
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
    });
    // A dropped connection (server restart, terminate) must not crash the process.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    await pool.query('SELECT 1');
    const listener = pgListener(opts.databaseUrl);
    return {
      kind: 'postgres',
      db,
      pool,
      listen: listener.listen,
      close: async () => {
        await listener.close();
        await db.destroy();
      },
    };
  }
  const dataDir = opts.dataDir ?? 'memory://';
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir);
  // PGlite is one connection: the pool has size 1, so transactions queue behind each other.
  const pool = new pg.Pool(createPgConfig(pglite) as unknown as pg.PoolConfig);
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
