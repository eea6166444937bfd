import type { SortingState } from '@tanstack/react-table';
import type { Execution } from '@xem/protocol';
import { flushSync } from 'react-dom';
import { createRoot } from 'react-dom/client';
import { executionColumns, type NameLookups } from '../../../apps/web/src/operations/execution-columns';
import type { RenderResult } from '../bench-results';
import { OperationsTable } from '../../../apps/web/src/operations/operations-table';

const frame = () => new Promise<number>((ok) => requestAnimationFrame(ok));

function percentile(xs: number[], p: number): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/**
 * Mounts the page's OperationsTable with every row, then scrolls it by `pxPerFrame` on every
 * animation frame for `seconds`, recording frame intervals (a scripted fling, not user input).
 */
export async function runRender(
  rows: Execution[],
  names: NameLookups,
  seconds: number,
  pxPerFrame: number,
): Promise<RenderResult> {
  const host = document.getElementById('root')!;
  const root = createRoot(host);
  const columns = executionColumns(names);
  const view = (sorting: SortingState) => (
    <OperationsTable
      rows={rows}
      columns={columns}
      sorting={sorting}
      onSortingChange={() => {}}
      columnFilters={[]}
      onOpen={() => {}}
      height="800px"
    />
  );
  await frame();
  const t0 = performance.now();
  flushSync(() => root.render(view([])));
  const t1 = performance.now();
  await frame();
  await frame();
  const t2 = performance.now();
  const scroller = host.querySelector<HTMLElement>('[data-testid="operations-scroller"]')!;
  const domRows = scroller.querySelectorAll('tbody tr[data-index]').length;

  const s0 = performance.now();
  flushSync(() => root.render(view([{ id: 'duration', desc: true }])));
  const resortCommitMs = performance.now() - s0;
  await frame();

  const stamps: number[] = [];
  let maxDomRows = 0;
  const end = performance.now() + seconds * 1000;
  for (;;) {
    const t = await frame();
    stamps.push(t);
    maxDomRows = Math.max(maxDomRows, scroller.querySelectorAll('tbody tr[data-index]').length);
    if (t > end) break;
    scroller.scrollTop += pxPerFrame;
  }
  const gaps = stamps.slice(1).map((t, i) => t - stamps[i]!);
  const last = scroller.querySelector<HTMLElement>('tbody tr[data-index]');
  root.unmount();
  return {
    mountCommitMs: t1 - t0,
    mountFrameMs: t2 - t0,
    resortCommitMs,
    domRows,
    scroll: {
      seconds: (stamps[stamps.length - 1]! - stamps[0]!) / 1000,
      frames: gaps.length,
      fps: (gaps.length * 1000) / (stamps[stamps.length - 1]! - stamps[0]!),
      p50Ms: percentile(gaps, 50),
      p95Ms: percentile(gaps, 95),
      maxMs: Math.max(...gaps),
      longFrames: gaps.filter((g) => g > 1000 / 30).length,
      rowsScrolled: Number(last?.dataset.index ?? 0),
      maxDomRows,
    },
  };
}
