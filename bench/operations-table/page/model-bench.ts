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
function tableOf(rows: Execution[], names: NameLookups, nowMs: number) {
  const columns = executionColumns(names);
  const opts = (s: Scenario | null) =>
    operationsTableOptions(
      rows,
      columns,
      s?.sorting ?? [],
      s ? columnFiltersOf(s.filters, names, nowMs) : [],
    );
  const resolved: TableOptionsResolved<Execution> = {
    ...opts(null),
    state: {},
    onStateChange: () => {},
    renderFallbackValue: null,
  };
  const table = createTable(resolved);
  /** Sets the scenario's sorting and filters, as the page does when the URL changes. */
  const use = (s: Scenario | null) => {
    const o = opts(s);
    table.setOptions((prev) => ({ ...prev, ...o, state: { ...table.initialState, ...o.state } }));
  };
  use(null);
  return { table, use };
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * One table for the whole run, as the page keeps one: its core row model (a Row per execution,
 * what a data change costs) is built once and timed; each round then switches from no filter/sort
 * to the scenario and times the new row model, against the plain Array version.
 */
export function runModel(
  rows: Execution[],
  names: NameLookups,
  nowMs: number,
  iterations: number,
  agentId: string,
): { coreMs: number; results: ModelResult[] } {
  const { table, use } = tableOf(rows, names, nowMs);
  const a = performance.now();
  table.getCoreRowModel();
  const coreMs = performance.now() - a;
  const results = scenarios(agentId).map((s) => {
    const filterSort: number[] = [];
    const ref: number[] = [];
    let sameOrder = true;
    let count = 0;
    // Two warm-up rounds (JIT), then `iterations` timed rounds.
    for (let i = 0; i < iterations + 2; i++) {
      use(null);
      table.getRowModel();
      use(s);
      const b = performance.now();
      const model = table.getRowModel().rows;
      const c = performance.now();
      const r = s.reference(rows, nowMs);
      const d = performance.now();
      if (i >= 2) {
        filterSort.push(c - b);
        ref.push(d - c);
      }
      sameOrder &&= model.length === r.length && model.every((row, k) => row.id === r[k]!.id);
      count = r.length;
    }
    return {
      name: s.name,
      rows: count,
      tableFilterSortMs: median(filterSort),
      referenceMs: median(ref),
      sameOrder,
    };
  });
  return { coreMs, results };
}
