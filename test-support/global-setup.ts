import { ensureWebBuild } from '../scripts/ensure-web-build.mjs';
import { buildTestBins } from './test-bins';

/**
 * Vitest global setup, once per run before any test file: the browser tests need a dashboard
 * build that matches the sources; spawned servers, agents and CLI runs use builds of the current
 * sources (test-bins.ts).
 */
export default async function setup(): Promise<void> {
  ensureWebBuild();
  await buildTestBins();
}
