import { parseArgs } from 'node:util';

export type Delivery = 'poll' | 'signal';

export interface BenchOptions {
  /** Numbers of concurrent SSE clients, one run per value and mode. */
  clients: number[];
  modes: Delivery[];
  /** Measured events per run. */
  events: number;
  /** Events committed first and left out of the statistics (cold code paths). */
  warmup: number;
  /** Each event is committed after a pause drawn uniformly from [min, max] ms. */
  gapMs: { min: number; max: number };
  /** Repeats of the whole matrix; samples of the same (mode, clients) are pooled. */
  rounds: number;
  /** The server's XEM_STREAM_POLL_INTERVAL_MS (the vendor's documented 2 s by default). */
  pollIntervalMs: number;
  /** PostgreSQL server on which each run gets a fresh database. */
  pgUrl: string;
  seed: number;
}

export const USAGE = `usage: node --import tsx bench/stream-latency/run.ts [options]
  --clients 1,100,1000   numbers of SSE clients          (XEM_BENCH_CLIENTS)
  --modes poll,signal    delivery modes                   (XEM_BENCH_MODES)
  --events 100           measured events per run          (XEM_BENCH_EVENTS)
  --warmup 5             unmeasured events first          (XEM_BENCH_WARMUP)
  --gap-ms 5-100         pause before each commit, ms     (XEM_BENCH_GAP_MS)
  --rounds 1             repeats of the whole matrix      (XEM_BENCH_ROUNDS)
  --poll-ms 2000         server poll interval, ms         (XEM_BENCH_POLL_MS)
  --pg-url URL           PostgreSQL server                (XEM_BENCH_PG_URL, else XEM_TEST_PG_URL,
                         else postgres://postgres@127.0.0.1:5432/postgres)
  --seed 1               seed of the pauses               (XEM_BENCH_SEED)`;

function positiveInt(name: string, text: string, min = 1): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${text}"`);
  return n;
}

/** Reads the options from flags, then XEM_BENCH_* variables, then defaults. Throws on bad input. */
export function parseBenchOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      clients: { type: 'string' },
      modes: { type: 'string' },
      events: { type: 'string' },
      warmup: { type: 'string' },
      'gap-ms': { type: 'string' },
      rounds: { type: 'string' },
      'poll-ms': { type: 'string' },
      'pg-url': { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';

  const clients = (values.clients ?? env.XEM_BENCH_CLIENTS ?? '1,100,1000')
    .split(',')
    .map((s) => positiveInt('--clients', s.trim()));
  if (clients.some((n) => n > 10_000)) throw new Error('--clients: at most 10000 (the per-key stream cap)');

  const modes = (values.modes ?? env.XEM_BENCH_MODES ?? 'poll,signal').split(',').map((s) => s.trim());
  for (const m of modes) if (m !== 'poll' && m !== 'signal') throw new Error(`--modes: unknown mode "${m}"`);

  const gapText = values['gap-ms'] ?? env.XEM_BENCH_GAP_MS ?? '5-100';
  const [lo, hi = lo] = gapText.split('-');
  const gapMs = { min: positiveInt('--gap-ms', lo ?? '', 0), max: positiveInt('--gap-ms', hi ?? '', 0) };
  if (gapMs.max < gapMs.min) throw new Error(`--gap-ms: "${gapText}" is not min-max`);

  return {
    clients,
    modes: modes as Delivery[],
    events: positiveInt('--events', values.events ?? env.XEM_BENCH_EVENTS ?? '100'),
    warmup: positiveInt('--warmup', values.warmup ?? env.XEM_BENCH_WARMUP ?? '5', 0),
    gapMs,
    rounds: positiveInt('--rounds', values.rounds ?? env.XEM_BENCH_ROUNDS ?? '1'),
    pollIntervalMs: positiveInt('--poll-ms', values['poll-ms'] ?? env.XEM_BENCH_POLL_MS ?? '2000', 10),
    pgUrl:
      values['pg-url'] ??
      env.XEM_BENCH_PG_URL ??
      env.XEM_TEST_PG_URL ??
      'postgres://postgres@127.0.0.1:5432/postgres',
    seed: positiveInt('--seed', values.seed ?? env.XEM_BENCH_SEED ?? '1', 0),
  };
}
