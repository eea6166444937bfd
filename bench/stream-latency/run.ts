/**
 * Stream-latency benchmark: time from an event's COMMIT to the moment each of N SSE clients (in a
 * separate process) has parsed its frame on `GET /:project_id/v1/exec/executions/stream`, with
 * the event hub in poll-only mode and in signal mode. See bench/README.md.
 *
 *   node --import tsx bench/stream-latency/run.ts [--clients 1,100,1000] [--events 100] …
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';
import pg from 'pg';
import { parseBenchOptions, USAGE, type BenchOptions, type Delivery } from './bench-options';
import { formatMs, latencyTable, type ReportRow } from './latency-report';
import { summarize } from './latency-summary';
import { runOnce, type RunResult } from './run-once';

const out = (line = ''): void => void process.stdout.write(`${line}\n`);
let interrupted = false;

/** mulberry32: a tiny seeded PRNG, so both modes at a given N commit with the same pauses. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pauses(opts: BenchOptions, seed: number): number[] {
  const next = random(seed);
  const { min, max } = opts.gapMs;
  return Array.from({ length: opts.warmup + opts.events }, () => min + next() * (max - min));
}

async function postgresVersion(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]!.v;
  } finally {
    await c.end();
  }
}

function gitCommit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      encoding: 'utf8',
    });
    return dirty.trim() ? `${sha}+dirty` : sha;
  } catch {
    return 'unknown';
  }
}

async function main(): Promise<number> {
  let parsed: BenchOptions | 'help';
  try {
    parsed = parseBenchOptions(process.argv.slice(2), process.env);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (parsed === 'help') {
    out(USAGE);
    return 0;
  }
  const opts = parsed;

  // Ctrl-C also reaches the server and clients processes (same process group); the run in
  // progress then fails, and its cleanup still drops its database before we leave.
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write('interrupted: cleaning up the current run (Ctrl-C again to quit at once)\n');
  });

  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  out(`stream-latency: commit → event parsed by N SSE clients (separate process)`);
  out(
    `${new Date().toISOString()} · nproc ${availableParallelism()} (${cpu}) · node ${process.version} · ` +
      `PostgreSQL ${await postgresVersion(opts.pgUrl)} · commit ${gitCommit()} · ` +
      `load average ${loadavg()[0]!.toFixed(1)} at start`,
  );
  out(
    `${opts.events} events per run (+${opts.warmup} warm-up), ${opts.gapMs.min}–${opts.gapMs.max} ms apart; ` +
      `server poll ${opts.pollIntervalMs} ms; ${opts.rounds} round(s)`,
  );
  out();

  const results = new Map<string, RunResult[]>();
  let pollFirst = true;
  for (let round = 0; round < opts.rounds; round++) {
    for (const clients of opts.clients) {
      // Alternate which mode goes first, so drift in machine load does not favour one of them.
      const order: Delivery[] = pollFirst ? ['poll', 'signal'] : ['signal', 'poll'];
      pollFirst = !pollFirst;
      const gapsMs = pauses(opts, opts.seed + round * 1000 + clients);
      for (const mode of order.filter((m) => opts.modes.includes(m))) {
        if (interrupted) return 130;
        const r = await runOnce({
          mode,
          clients,
          pollIntervalMs: opts.pollIntervalMs,
          pgUrl: opts.pgUrl,
          gapsMs,
          warmup: opts.warmup,
        });
        const key = `${mode}:${clients}`;
        results.set(key, [...(results.get(key) ?? []), r]);
        const s = summarize(r.latenciesMs);
        out(
          `${mode.padEnd(6)} N=${String(clients).padEnd(5)} p50 ${formatMs(s.p50).padStart(6)}  ` +
            `p99 ${formatMs(s.p99).padStart(6)}  max ${formatMs(s.max).padStart(6)} ms · ` +
            `first/last client p50 ${formatMs(summarize(r.firstMs).p50)}/${formatMs(summarize(r.lastMs).p50)} ms · ` +
            `${s.samples} samples, lost ${r.lost}, dup ${r.duplicates} · open ${formatMs(r.openMs)} ms · ` +
            `clock skew ${r.skewMs >= 0 ? '+' : ''}${r.skewMs.toFixed(3)} ms (drift ${r.skewDriftMs.toFixed(3)}) · ` +
            `run ${(r.durationMs / 1000).toFixed(1)} s`,
        );
        for (const c of r.closed.slice(0, 5)) out(`  ! ${c}`);
        if (r.closed.length > 5) out(`  ! … and ${r.closed.length - 5} more streams ended early`);
      }
    }
  }

  const rows: ReportRow[] = opts.clients.map((clients) => {
    const row: ReportRow = { clients, byMode: {} };
    for (const mode of opts.modes) {
      const runs = results.get(`${mode}:${clients}`) ?? [];
      const s = summarize(runs.flatMap((r) => r.latenciesMs));
      row.byMode[mode] = { ...s, lost: runs.reduce((sum, r) => sum + r.lost, 0) };
    }
    return row;
  });
  out();
  out(`load average ${loadavg()[0]!.toFixed(1)} at the end (1 min; ${availableParallelism()} cores)`);
  out('latency commit → parsed, ms, over every (event, client) pair:');
  out();
  out(latencyTable(rows));
  const failed = [...results.values()].flat().some((r) => r.lost > 0 || r.duplicates > 0);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(interrupted ? 'interrupted\n' : `${err.stack ?? err.message}\n`);
    process.exit(interrupted ? 130 : 1);
  },
);
