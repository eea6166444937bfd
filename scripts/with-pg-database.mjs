#!/usr/bin/env node
// Runs a command with DATABASE_URL pointing at a fresh PostgreSQL database with a unique name,
// and drops that database afterwards (also on failure or Ctrl-C). The server to use comes from
// XEM_TEST_PG_URL (default: the local PostgreSQL, user postgres).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

const adminUrl = process.env.XEM_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  process.stderr.write('usage: with-pg-database.mjs <command> [args...]\n');
  process.exit(2);
}

const name = `xem_run_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;

async function admin(sql) {
  const c = new pg.Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

await admin(`CREATE DATABASE ${name}`);
const url = new URL(adminUrl);
url.pathname = `/${name}`;
process.stdout.write(`PostgreSQL run on database ${name}\n`);

const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, DATABASE_URL: url.toString() } });
const forward = (sig) => child.kill(sig);
process.on('SIGINT', forward);
process.on('SIGTERM', forward);
const code = await new Promise((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 1 : 0))));
await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
process.exit(code);
