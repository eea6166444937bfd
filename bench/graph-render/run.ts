/* eslint-disable no-console -- a benchmark prints its results */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { CHROMIUM } from '../../test-support/browser';
import type { RunResult } from './page/run-result';
import { serveStatic } from './serve-static';

type Bench = {
  benchResult?: { ok: true; result: unknown; cspViolations: string[] } | { ok: false; error: string };
};

/**
 * Graph renderers in headless Chromium under the dashboard's CSP: the Graph tab's sigma (WebGL)
 * + ForceAtlas2 in a worker, against a plain d3-force + canvas 2D reference, at each size.
 */
const sizes = (process.env.XEM_BENCH_GRAPH_NODES ?? '1000,10000').split(',').map(Number);
const phaseMs = Number(process.env.XEM_BENCH_GRAPH_PHASE_MS ?? 4000);
const NAMES: Record<string, string> = {
  canvas: 'Graph tab: d3-force worker + canvas 2D',
  reference: 'reference: d3-force main thread + canvas 2D',
  sigma: 'candidate: sigma 4 WebGL + FA2 worker',
};
const renderers = (process.env.XEM_BENCH_GRAPH_RENDERERS ?? 'canvas,reference,sigma').split(',');

const root = fileURLToPath(new URL('./page/', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'xem-graph-bench-'));
// The renderer as the dashboard resolves it (npm may keep it under apps/web/node_modules).
const fromWeb = createRequire(fileURLToPath(new URL('../../apps/web/package.json', import.meta.url)));
const pkgDir = (name: string) => {
  const main = fromWeb.resolve(name);
  const at = main.lastIndexOf(`node_modules/${name}/`);
  return at < 0 ? dirname(main) : main.slice(0, at + `node_modules/${name}`.length);
};
await build({
  root,
  base: './',
  logLevel: 'warn',
  resolve: {
    alias: { sigma: pkgDir('sigma'), graphology: pkgDir('graphology'), 'd3-force': pkgDir('d3-force') },
  },
  build: { outDir: out, emptyOutDir: true, modulePreload: { polyfill: false } },
});
const site = await serveStatic(out);
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  // The e2e harness's flags: no GPU, so WebGL runs on SwiftShader (software), as in CI.
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
});

async function open(query: string): Promise<{ result: unknown; cspViolations: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(`${site.url}/?${query}`);
    await page.waitForFunction(() => (globalThis as Bench).benchResult !== undefined, null, {
      timeout: 4 * phaseMs + 120_000,
    });
    const r = await page.evaluate(() => (globalThis as Bench).benchResult!);
    if (!r.ok) throw new Error(r.error);
    if (errors.length) throw new Error(errors.join('\n'));
    return { result: r.result, cspViolations: r.cspViolations };
  } finally {
    await page.close();
  }
}

try {
  const renderer = await page0();
  console.log(`chromium WebGL renderer: ${renderer}`);
  const blob = await open('renderer=blob-worker');
  console.log(
    `graphology-layout-forceatlas2/worker (blob: URL) under the CSP: ${JSON.stringify(blob.result)}; violations: ${blob.cspViolations.join(', ') || 'none'}`,
  );
  const rows: { nodes: number; renderer: string; r: RunResult; violations: number }[] = [];
  for (const nodes of sizes) {
    // Alternate the order per size so drifting machine load does not favour one renderer.
    const order = sizes.indexOf(nodes) % 2 === 0 ? renderers : [...renderers].reverse();
    for (const renderer of order) {
      const { result, cspViolations } = await open(`renderer=${renderer}&nodes=${nodes}&phase-ms=${phaseMs}`);
      const r = result as RunResult;
      rows.push({ nodes, renderer, r, violations: cspViolations.length });
      console.log(
        `${nodes} ${renderer}: ${JSON.stringify(r)}, CSP violations: ${cspViolations.join(', ') || 'none'}`,
      );
    }
  }
  const f = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1));
  console.log(
    '\n| nodes | renderer | first frame ms | layout fps | layout redraws/s | layout longest frame ms | pan fps | pan longest frame ms | CSP violations |',
  );
  console.log(
    '| ----: | :------- | -------------: | ---------: | ---------------: | ----------------------: | ------: | -------------------: | -------------: |',
  );
  for (const { nodes, renderer, r, violations } of rows.sort((a, b) => a.nodes - b.nodes)) {
    const name = NAMES[renderer] ?? renderer;
    console.log(
      `| ${nodes} | ${name} | ${f(r.firstFrameMs)} | ${f(r.layoutFps)} | ${f(r.layoutRendersPerS)} | ${f(r.layoutLongestFrameMs)} | ${f(r.panFps)} | ${f(r.panLongestFrameMs)} | ${violations} |`,
    );
  }
} finally {
  await browser.close();
  await site.close();
  rmSync(out, { recursive: true, force: true });
}

async function page0(): Promise<string> {
  const page = await browser.newPage();
  try {
    // Runs in the page (DOM types are not in this Node program).
    return await page.evaluate<string>(`(() => {
      const gl = document.createElement('canvas').getContext('webgl2');
      const ext = gl && gl.getExtension('WEBGL_debug_renderer_info');
      return gl && ext ? String(gl.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : 'no WebGL2';
    })()`);
  } finally {
    await page.close();
  }
}
