import { createTable, type SortingState, type TableOptionsResolved } from '@tanstack/react-table';
import type { Execution, Risk } from '@xem/protocol';
import {
  columnFiltersOf,
  executionColumns,
  type NameLookups,
} from '../../../apps/web/src/operations/execution-columns';
import type { ModelResult } from '../bench-results';
import type { ExecutionFilters } from '../../../apps/web/src/operations/operations-search';
import { operationsTableOptions } from '../../../apps/web/src/operations/operations-table-options';

const NO_FILTERS: ExecutionFilters = {
  status: [],
  risk: [],
  source: [],
  tool: undefined,
  agent: undefined,
  workspace: undefined,
  window: undefined,
};
const RISK_ORDER: readonly Risk[] = ['read', 'write', 'destructive', 'irreversible'];

/** One filter + sort of the table, and the same thing written plainly over the array. */
export interface Scenario {
  name: string;
  filters: ExecutionFilters;
  sorting: SortingState;
  reference: (rows: Execution[], nowMs: number) => Execution[];
}

export function scenarios(agentId: string): Scenario[] {
  return [
    {
      name: 'no filter, created ↑',
      filters: NO_FILTERS,
      sorting: [{ id: 'created_at', desc: false }],
      reference: (rows) =>
        rows.slice().sort((a, b) => (a.created_at > b.created_at ? 1 : a.created_at < b.created_at ? -1 : 0)),
    },
    {
      name: 'status failed,timed_out, duration ↓',
      filters: { ...NO_FILTERS, status: ['failed', 'timed_out'] },
      sorting: [{ id: 'duration', desc: true }],
      reference: (rows) =>
        rows
          .filter((e) => e.status === 'failed' || e.status === 'timed_out')
          .sort((a, b) => (b.duration_ms ?? -1) - (a.duration_ms ?? -1)),
    },
    {
      name: 'risk ≥ write, last 24h, tool ↑',
      filters: { ...NO_FILTERS, risk: ['write', 'destructive', 'irreversible'], window: '24h' },
      sorting: [{ id: 'tool', desc: false }],
      reference: (rows, nowMs) => {
        const since = nowMs - 86_400_000;
        return rows
          .filter((e) => e.risk !== 'read' && Date.parse(e.created_at) >= since)
          .sort((a, b) => (a.tool > b.tool ? 1 : a.tool < b.tool ? -1 : 0));
      },
    },
    {
      name: 'one agent, risk ↓',
      filters: { ...NO_FILTERS, agent: agentId },
      sorting: [{ id: 'risk', desc: true }],
      reference: (rows) =>
        rows
          .filter((e) => e.agent_id === agentId)
          .sort((a, b) => RISK_ORDER.indexOf(b.risk) - RISK_ORDER.indexOf(a.risk)),
    },
  ];
}

/** A table instance exactly as useReactTable makes it, from the page's own options. */
function tableOf(rows: Execution[], names: NameLookups, s: Scenario, nowMs: number) {
  const opts = operationsTableOptions(
    rows,
    executionColumns(names),
    s.sorting,
    columnFiltersOf(s.filters, names, nowMs),
  );
  const resolved: TableOptionsResolved<Execution> = {
    ...opts,
    state: {},
    onStateChange: () => {},
    renderFallbackValue: null,
  };
  const table = createTable(resolved);
  table.setOptions((prev) => ({ ...prev, ...opts, state: { ...table.initialState, ...opts.state } }));
  return table;
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Each round builds one table (100k TanStack rows are ~0.5 GB), times it, and lets it go. */
export function runModel(
  rows: Execution[],
  names: NameLookups,
  nowMs: number,
  iterations: number,
  agentId: string,
  collect: () => void,
): ModelResult[] {
  return scenarios(agentId).map((s) => {
    const core: number[] = [];
    const filterSort: number[] = [];
    const ref: number[] = [];
    let sameOrder = true;
    // Two warm-up rounds (JIT), then `iterations` timed rounds.
    for (let i = 0; i < iterations + 2; i++) {
      collect();
      let table: ReturnType<typeof tableOf> | null = tableOf(rows, names, s, nowMs);
      const a = performance.now();
      table.getCoreRowModel();
      const b = performance.now();
      const model = table.getRowModel().rows;
      const c = performance.now();
      const r = s.reference(rows, nowMs);
      const d = performance.now();
      if (i >= 2) {
        core.push(b - a);
        filterSort.push(c - b);
        ref.push(d - c);
      }
      sameOrder &&= model.length === r.length && model.every((row, k) => row.id === r[k]!.id);
      table = null;
      if (i === iterations + 1)
        return {
          name: s.name,
          rows: r.length,
          tableCoreMs: median(core),
          tableFilterSortMs: median(filterSort),
          referenceMs: median(ref),
          sameOrder,
        };
    }
    throw new Error('unreachable');
  });
}
