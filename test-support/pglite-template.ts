import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb } from '../apps/server/src/db/client';
import { loadMigrations, migrate } from '../apps/server/src/db/migrate';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'xem-test');

/**
 * The directory of a PGlite database on which the server's migrations have run, made the way
 * the server makes one on its first start (createDb on a directory, then migrate) and cached
 * once per migration set and PGlite version. A new PGlite directory costs an initdb (10 s and
 * more on a loaded machine); a copy of this one opens in well under a second.
 */
export async function pgliteTemplateDir(): Promise<string> {
  const pgliteVersion = (
    JSON.parse(readFileSync(join(ROOT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as {
      version: string;
    }
  ).version;
  const hash = createHash('sha256')
    .update(pgliteVersion)
    .update(
      loadMigrations()
        .map((m) => `${m.version}_${m.name}\n${m.sql}`)
        .join('\n'),
    )
    .digest('hex')
    .slice(0, 16);
  const dir = join(CACHE_DIR, `pglite-datadir-${hash}`);
  if (existsSync(dir)) return dir;
  mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = `${dir}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const db = await createDb({ dataDir: tmp });
  try {
    await migrate(db.pool);
  } finally {
    await db.close();
  }
  // Renamed whole: another worker that built it meanwhile wins, and this copy is dropped.
  try {
    renameSync(tmp, dir);
  } catch (err) {
    if (!existsSync(dir)) throw err;
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}

/** A fresh copy of the migrated template at `dataDir` (which must not exist yet). */
export async function copyPgliteTemplate(dataDir: string): Promise<void> {
  cpSync(await pgliteTemplateDir(), dataDir, { recursive: true });
}
