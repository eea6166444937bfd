import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../apps/server/src/db/migrate';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated PostgreSQL database that test databases are created from (absent on PGlite). */
    pgTemplateDb?: string;
  }
}

async function onServer(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/**
 * Makes a database on the PostgreSQL server of `url` and runs the server's migrations on it, once
 * per test run: test databases are then `CREATE DATABASE … TEMPLATE` copies of it (a fraction of a
 * second) instead of each running every migration (a second or more). Returns its name and a
 * function that drops it.
 */
export async function createPgTemplate(url: string): Promise<{ name: string; drop(): Promise<void> }> {
  const name = `xem_tpl_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await onServer(url, `CREATE DATABASE ${name}`);
  const u = new URL(url);
  u.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: u.toString(), max: 1 });
  try {
    await migrate(pool);
  } finally {
    // No session may stay on a template while it is copied.
    await pool.end();
  }
  return { name, drop: () => onServer(url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
