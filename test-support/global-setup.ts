import type { TestProject } from 'vitest/node';
import { ensureWebBuild } from '../scripts/ensure-web-build.mjs';
import { createPgTemplate } from './pg-template';
import { pgliteTemplateDir } from './pglite-template';
import { buildTestBins } from './test-bins';

/**
 * Vitest global setup, once per run before any test file: the browser tests need a dashboard
 * build that matches the sources; spawned servers, agents and CLI runs use builds of the current
 * sources (test-bins.ts); databases start from a migrated template, made here once so that
 * parallel workers do not each make it (pglite-template.ts, pg-template.ts).
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  ensureWebBuild();
  await buildTestBins();
  const url = process.env.DATABASE_URL;
  if (!url) {
    await pgliteTemplateDir();
    return undefined;
  }
  const template = await createPgTemplate(url);
  project.provide('pgTemplateDb', template.name);
  return template.drop;
}
