import { ensureWebBuild } from '../scripts/ensure-web-build.mjs';

/** Vitest global setup: the browser tests need a dashboard build that matches the sources. */
export default function setup(): void {
  ensureWebBuild();
}
