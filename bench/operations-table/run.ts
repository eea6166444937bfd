/**
 * Operations-table benchmark: filter + sort time of the Operations tab's table model (TanStack
 * Table with the page's column definitions) against plain Array filter + sort over the same rows,
 * plus the time to mount the virtualised table and the frame rate of a scripted scroll, in
 * headless Chromium. See bench/README.md.
 *
 *   node --import tsx bench/operations-table/run.ts [--rows 100000] [--iterations 10] …
 */
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { build } from 'vite';
import { chromium } from 'playwright-core';
import { CHROMIUM } from '../../test-support/browser';
import type { BenchApi } from './bench-results';

const out = (line = ''): void => void process.stdout.write(`${line}\n`);

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i === -1 ? undefined : Number(process.argv[i + 1]);
  if (v !== undefined && !(Number.isFinite(v) && v > 0)) throw new Error(`--${name} needs a positive number`);
  return v ?? fallback;
}

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    const file = join(dir, path === '/' ? 'index.html' : path);
    if (!file.startsWith(dir)) return void res.writeHead(404).end();
    res.setHeader('content-type', TYPES[extname(file)] ?? 'application/octet-stream');
    createReadStream(file)
      .on('error', () => res.writeHead(404).end())
      .pipe(res);
  });
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      ok({ server, url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/` });
    }),
  );
}

const f1 = (ms: number) => ms.toFixed(1).padStart(8);

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    out('node --import tsx bench/operations-table/run.ts [--rows 100000] [--iterations 10] [--seed 1]');
    out('  [--scroll-seconds 5] [--scroll-px 160]');
    return;
  }
  const rows = option('rows', 100_000);
  const iterations = option('iterations', 10);
  const seed = option('seed', 1);
  const seconds = option('scroll-seconds', 5);
  const pxPerFrame = option('scroll-px', 160);

  const outDir = mkdtempSync(join(tmpdir(), 'xem-bench-ops-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  let server: Server | undefined;
  try {
    await build({
      root: fileURLToPath(new URL('./page', import.meta.url)),
      base: './',
      logLevel: 'warn',
      plugins: [react()],
      build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 4000 },
    });
    const s = await serve(outDir);
    server = s.server;
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(600_000);
    await page.goto(s.url);
    await page.waitForFunction(() => 'bench' in globalThis);
    out(`Chromium ${browser.version()} (headless), ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
    out(`${rows.toLocaleString('en')} rows, seed ${seed}, median of ${iterations} runs after 2 warm-ups`);
    out();

    const model = await page.evaluate((o) => (globalThis as unknown as { bench: BenchApi }).bench.model(o), {
      rows,
      seed,
      iterations,
    });
    out(
      `TanStack core row model (one Row per execution; what a data change costs): ${model.coreMs.toFixed(1)} ms`,
    );
    out('scenario                               result  table f+s   Array f+s  f+s ratio  same');
    for (const m of model.results) {
      const ratio = (m.tableFilterSortMs / m.referenceMs).toFixed(2).padStart(8);
      out(
        `${m.name.padEnd(36)} ${String(m.rows).padStart(8)} ${f1(m.tableFilterSortMs)} ms ${f1(m.referenceMs)} ms ${ratio}×  ${m.sameOrder ? 'yes' : 'NO'}`,
      );
    }
    const r = await page.evaluate((o) => (globalThis as unknown as { bench: BenchApi }).bench.render(o), {
      rows,
      seed,
      seconds,
      pxPerFrame,
    });
    out(
      `mount: commit ${r.mountCommitMs.toFixed(1)} ms, first frame ${r.mountFrameMs.toFixed(1)} ms, ${r.domRows} rows in the DOM`,
    );
    out(`re-sort (duration ↓) commit: ${r.resortCommitMs.toFixed(1)} ms`);
    const sc = r.scroll;
    out(
      `scroll ${pxPerFrame} px/frame for ${sc.seconds.toFixed(1)} s: ${sc.fps.toFixed(1)} fps, frame p50 ${sc.p50Ms.toFixed(1)} ms, p95 ${sc.p95Ms.toFixed(1)} ms, max ${sc.maxMs.toFixed(1)} ms, ${sc.longFrames} frames > 33 ms, reached row ${sc.rowsScrolled.toLocaleString('en')}, ≤ ${sc.maxDomRows} rows in the DOM`,
    );
    if (model.results.some((m) => !m.sameOrder)) process.exitCode = 1;
  } finally {
    server?.close();
    await browser.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}

await main();
