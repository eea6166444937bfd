import type { ColumnDef, ColumnFiltersState, FilterFn, SortingFn } from '@tanstack/react-table';
import type { Execution } from '@xem/protocol';
import { duration } from '../ui/format';
import { StatusBadge } from '../ui/status-badge';
import { TimeAgo } from '../ui/time-ago';
import { useNow } from '../ui/use-now';
import { RISKS, sinceMsOf, type ExecutionFilters } from './operations-search';

/** Names of the ids a row carries; an id nobody knows (deleted, other page) shows as itself. */
export interface NameLookups {
  agentName(id: string): string;
  workspaceName(id: string): string;
  /** The workspace id a `workspace` filter (an id or a name) stands for. */
  workspaceIdOf(idOrName: string): string | undefined;
}

const inList: FilterFn<Execution> = (row, columnId, value: readonly string[]) =>
  value.includes(row.original[columnId as 'status' | 'risk' | 'source']);
const equalsId: FilterFn<Execution> = (row, columnId, value: string) =>
  (columnId === 'agent'
    ? row.original.agent_id
    : columnId === 'tool'
      ? row.original.tool
      : row.original.workspace_id) === value;
const createdSince: FilterFn<Execution> = (row, _columnId, sinceMs: number) =>
  Date.parse(row.original.created_at) >= sinceMs;
const byRisk: SortingFn<Execution> = (a, b) =>
  RISKS.indexOf(a.original.risk) - RISKS.indexOf(b.original.risk);

/** Running time of a dispatched execution ticks; a finished one shows its recorded duration. */
function DurationCell({ e }: { e: Execution }) {
  const now = useNow();
  if (e.status === 'dispatched' && e.dispatched_at) {
    return <span className="muted">{duration(Math.max(0, now - Date.parse(e.dispatched_at)))}…</span>;
  }
  return <>{duration(e.duration_ms)}</>;
}

/** The Operations table's columns; `size` is the fixed width in px (the table is `table-layout: fixed`). */
export function executionColumns(names: NameLookups): ColumnDef<Execution>[] {
  return [
    {
      id: 'id',
      accessorKey: 'id',
      header: 'Invocation ID',
      size: 230,
      cell: (c) => <span className="mono">{c.row.original.id}</span>,
    },
    { id: 'tool', accessorKey: 'tool', header: 'Tool', size: 150, filterFn: equalsId },
    {
      id: 'status',
      accessorKey: 'status',
      header: 'Status',
      size: 140,
      filterFn: inList,
      cell: (c) => <StatusBadge value={c.row.original.status} />,
    },
    {
      id: 'duration',
      accessorFn: (e) => e.duration_ms ?? undefined,
      header: 'Duration',
      size: 100,
      sortUndefined: 'last',
      cell: (c) => <DurationCell e={c.row.original} />,
    },
    {
      id: 'agent',
      accessorFn: (e) => (e.agent_id ? names.agentName(e.agent_id) : ''),
      header: 'Agent',
      size: 150,
      filterFn: equalsId,
      cell: (c) => c.getValue<string>() || <span className="muted">—</span>,
    },
    {
      id: 'workspace',
      accessorFn: (e) => names.workspaceName(e.workspace_id),
      header: 'Workspace',
      size: 130,
      filterFn: equalsId,
    },
    {
      id: 'risk',
      accessorKey: 'risk',
      header: 'Risk',
      size: 110,
      filterFn: inList,
      sortingFn: byRisk,
      cell: (c) => <StatusBadge value={c.row.original.risk} />,
    },
    { id: 'source', accessorKey: 'source', header: 'Source', size: 90, filterFn: inList },
    {
      id: 'created_at',
      accessorKey: 'created_at',
      header: 'Created',
      size: 110,
      filterFn: createdSince,
      sortingFn: 'basic',
      cell: (c) => <TimeAgo at={c.row.original.created_at} />,
    },
    {
      id: 'dispatched_at',
      accessorFn: (e) => e.dispatched_at ?? undefined,
      header: 'Started',
      size: 110,
      sortingFn: 'basic',
      sortUndefined: 'last',
      cell: (c) => <TimeAgo at={c.row.original.dispatched_at} />,
    },
  ];
}

/**
 * The URL filters as the table's column filters. The server already applied them to what it
 * sent; here they keep live-updated rows honest (a queued row that starts leaves `status=queued`).
 */
export function columnFiltersOf(f: ExecutionFilters, names: NameLookups, nowMs: number): ColumnFiltersState {
  const out: ColumnFiltersState = [];
  if (f.status.length) out.push({ id: 'status', value: f.status });
  if (f.risk.length) out.push({ id: 'risk', value: f.risk });
  if (f.source.length) out.push({ id: 'source', value: f.source });
  if (f.tool) out.push({ id: 'tool', value: f.tool });
  if (f.agent) out.push({ id: 'agent', value: f.agent });
  if (f.workspace) out.push({ id: 'workspace', value: names.workspaceIdOf(f.workspace) ?? f.workspace });
  const since = sinceMsOf(f, nowMs);
  if (since !== null) out.push({ id: 'created_at', value: since });
  return out;
}
