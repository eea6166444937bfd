import { ensureWebBuild } from '../scripts/ensure-web-build.mjs';
import { pgliteTemplateDir } from './pglite-template';
import { buildTestBins } from './test-bins';

/**
 * Vitest global setup, once per run before any test file: the browser tests need a dashboard
 * build that matches the sources; spawned servers, agents and CLI runs use builds of the current
 * sources (test-bins.ts); servers on PGlite start from a copy of a migrated database directory,
 * made here once so that parallel workers do not each make it (pglite-template.ts).
 */
export default async function setup(): Promise<void> {
  ensureWebBuild();
  await buildTestBins();
  if (!process.env.DATABASE_URL) await pgliteTemplateDir();
}
