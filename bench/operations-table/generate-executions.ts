import type { Execution, ExecutionSource, ExecutionStatus, Risk } from '@xem/protocol';

/** mulberry32: a tiny seeded PRNG, so every run (and both implementations) sees the same rows. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const BENCH_TOOLS: readonly { name: string; risk: Risk }[] = [
  { name: 'system_info', risk: 'read' },
  { name: 'disk_usage', risk: 'read' },
  { name: 'process_list', risk: 'read' },
  { name: 'http_probe', risk: 'read' },
  { name: 'dns_lookup', risk: 'read' },
  { name: 'file_read', risk: 'read' },
  { name: 'file_write', risk: 'write' },
  { name: 'file_delete', risk: 'destructive' },
  { name: 'directory_purge', risk: 'irreversible' },
];
export const BENCH_AGENTS = Array.from({ length: 40 }, (_, i) => ({
  id: `agt_bench${String(i).padStart(15, '0')}`,
  registration_name: `node-${String(i).padStart(2, '0')}`,
}));
export const BENCH_WORKSPACES = ['default', 'prod-eu', 'prod-us', 'staging', 'ci'].map((name, i) => ({
  id: `ws_bench${String(i).padStart(16, '0')}`,
  name,
}));

/** Roughly a busy fleet: mostly completed, some failures, a little in flight. */
const STATUS_WEIGHTS: readonly [ExecutionStatus, number][] = [
  ['completed', 70],
  ['failed', 8],
  ['timed_out', 2],
  ['dispatched', 6],
  ['queued', 4],
  ['pending_approval', 3],
  ['cancelled', 3],
  ['rejected', 2],
  ['ambiguous', 2],
];
const SOURCES: readonly ExecutionSource[] = ['api', 'cli', 'dashboard', 'chat', 'mcp'];
const ID_CHARS = '0123456789abcdefghijklmnopqrstuvwxyz';

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!;
}

function weighted(next: () => number): ExecutionStatus {
  let r = next() * 100;
  for (const [status, w] of STATUS_WEIGHTS) {
    r -= w;
    if (r < 0) return status;
  }
  return 'completed';
}

/**
 * `count` executions shaped like the API's, newest first (as the server pages them), created one
 * every `spacingMs` back from `nowMs`. Deterministic for a given seed.
 */
export function generateExecutions(
  count: number,
  seed: number,
  nowMs: number,
  spacingMs = 5_000,
): Execution[] {
  const next = random(seed);
  const out: Execution[] = [];
  for (let i = 0; i < count; i++) {
    const tool = pick(next, BENCH_TOOLS);
    const status = weighted(next);
    const created = nowMs - i * spacingMs - Math.floor(next() * spacingMs);
    const ran = status !== 'queued' && status !== 'pending_approval' && status !== 'rejected';
    const finished = ran && status !== 'dispatched';
    const dispatched = created + Math.floor(next() * 2_000);
    const durationMs = finished ? Math.floor(next() * next() * 60_000) : null;
    let id = 'exe_';
    for (let c = 0; c < 20; c++) id += ID_CHARS[Math.floor(next() * ID_CHARS.length)];
    out.push({
      id,
      workspace_id: pick(next, BENCH_WORKSPACES).id,
      tool: tool.name,
      args: { path: `/srv/data/${i % 97}` },
      risk: tool.risk,
      idempotent: tool.risk === 'read',
      source: pick(next, SOURCES),
      status,
      attempt: ran ? 1 : 0,
      max_attempts: 3,
      agent_id: ran ? pick(next, BENCH_AGENTS).id : null,
      exit_code: finished ? (status === 'completed' ? 0 : 1) : null,
      error: status === 'failed' ? { code: 'tool_failed', message: 'exit status 1' } : null,
      timeout_ms: 60_000,
      created_by: { user_id: null, key_id: 'key_bench' },
      approval_id: tool.risk === 'destructive' || tool.risk === 'irreversible' ? `apr_${id.slice(4)}` : null,
      chat_id: null,
      created_at: new Date(created).toISOString(),
      dispatched_at: ran ? new Date(dispatched).toISOString() : null,
      finished_at: finished ? new Date(dispatched + durationMs!).toISOString() : null,
      duration_ms: durationMs,
    });
  }
  return out;
}
