import type { Delivery } from './bench-options';
import type { LatencySummary } from './latency-summary';

export interface ReportRow {
  clients: number;
  byMode: Partial<Record<Delivery, LatencySummary & { lost: number }>>;
}

/** ms with precision that fits the magnitude: 0.84, 12.3, 1013. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return ms.toFixed(0);
}

function ratio(a: number | undefined, b: number | undefined): string {
  if (a === undefined || b === undefined || !(b > 0) || !Number.isFinite(a)) return '–';
  const r = a / b;
  return `${r < 10 ? r.toFixed(1) : r.toFixed(0)}×`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `:${'-'.repeat(w + 1)}` : `${'-'.repeat(w + 1)}:`)).join('|')}|`;
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/**
 * The result as a Markdown table, ready to paste into bench/README.md: p50/p99/max of each mode
 * per number of clients (ms), then poll/signal for each.
 */
export function latencyTable(rows: ReportRow[]): string {
  const header = [
    'clients',
    'poll p50',
    'poll p99',
    'poll max',
    'signal p50',
    'signal p99',
    'signal max',
    'p50 poll/signal',
    'p99 poll/signal',
    'max poll/signal',
    'lost',
  ];
  const body = rows.map(({ clients, byMode: { poll, signal } }) => [
    String(clients),
    formatMs(poll?.p50 ?? NaN),
    formatMs(poll?.p99 ?? NaN),
    formatMs(poll?.max ?? NaN),
    formatMs(signal?.p50 ?? NaN),
    formatMs(signal?.p99 ?? NaN),
    formatMs(signal?.max ?? NaN),
    ratio(poll?.p50, signal?.p50),
    ratio(poll?.p99, signal?.p99),
    ratio(poll?.max, signal?.max),
    String((poll?.lost ?? 0) + (signal?.lost ?? 0)),
  ]);
  return table(header, body);
}
