import { useInfiniteQuery, useQueryClient } from '@tanstack/react-query';
import { Execution } from '@xem/protocol';
import { useEffect, useMemo, useRef } from 'react';
import { useLiveEvent } from '../live/use-live';
import { api } from '../ops-client';
import type { NameLookups } from './execution-columns';
import { listQueryOf, matchesFilters, sinceMsOf, type ExecutionFilters } from './operations-search';
import { upsertExecutions, type ExecutionPages } from './upsert-executions';

/** Rows per request: the server's maximum page. */
export const PAGE_SIZE = 500;
/**
 * Live rows are applied in batches, so a burst of events costs one pass over the loaded rows.
 * A data change rebuilds TanStack's row model of every loaded row (~1 s per 100k, see
 * bench/README.md), so the batch window grows with what is loaded: 100 ms up to 10k rows, 1 s at 100k.
 */
const batchMsFor = (loadedRows: number) => Math.min(1000, Math.max(100, loadedRows / 100));

/**
 * The executions of the filters, paged on `next_cursor`, kept live by upserting the execution
 * rows of `ox.execution.*` events into the loaded pages. The key is deliberately outside the
 * `['executions']` family that live-events.ts invalidates: a 100k-row list is patched, not refetched.
 */
export function useExecutionRows(filters: ExecutionFilters, names: NameLookups) {
  const qc = useQueryClient();
  const queryKey = useMemo(() => ['operations', 'executions', filters] as const, [filters]);
  // When the latest request started, and the live rows of the last minute: a live row that
  // arrived while a (re)fetch was in flight is applied again on top of that fetch's answer,
  // which was read before it and would otherwise overwrite it.
  const fetchStartedAt = useRef(0);
  const appliedFor = useRef(-1);
  const recent = useRef<{ at: number; row: Execution }[]>([]);
  const q = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => {
      fetchStartedAt.current = Date.now();
      return api.listExecutions({ ...listQueryOf(filters, Date.now()), limit: PAGE_SIZE, cursor: pageParam });
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });

  const batch = useRef(new Map<string, Execution>());
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const loaded = useRef(0);
  const latest = useRef({ filters, names, queryKey });
  latest.current = { filters, names, queryKey };
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  useLiveEvent('ox.execution.', (e) => {
    const parsed = Execution.safeParse(e.data);
    if (!parsed.success) return;
    batch.current.set(parsed.data.id, parsed.data);
    const now = Date.now();
    recent.current.push({ at: now, row: parsed.data });
    while (recent.current.length > 0 && recent.current[0]!.at < now - 60_000) recent.current.shift();
    timer.current ??= setTimeout(() => {
      timer.current = null;
      const rows = batch.current;
      batch.current = new Map();
      const { filters: f, names: n, queryKey: key } = latest.current;
      const sinceMs = sinceMsOf(f, Date.now());
      const wsId = f.workspace ? n.workspaceIdOf(f.workspace) : undefined;
      qc.setQueryData<ExecutionPages>(key, (old) =>
        old ? upsertExecutions(old, rows, (x) => matchesFilters(x, f, sinceMs, wsId)) : old,
      );
    }, batchMsFor(loaded.current));
  });

  useEffect(() => {
    const started = fetchStartedAt.current;
    if (!q.isFetchedAfterMount || q.isFetching || appliedFor.current === started) return;
    appliedFor.current = started;
    const missed = new Map<string, Execution>();
    for (const r of recent.current) if (r.at >= started) missed.set(r.row.id, r.row);
    if (missed.size === 0) return;
    const { filters: f, names: n, queryKey: key } = latest.current;
    const wsId = f.workspace ? n.workspaceIdOf(f.workspace) : undefined;
    const sinceMs = sinceMsOf(f, Date.now());
    qc.setQueryData<ExecutionPages>(key, (old) =>
      old ? upsertExecutions(old, missed, (x) => matchesFilters(x, f, sinceMs, wsId)) : old,
    );
  }, [q.dataUpdatedAt, q.isFetching, q.isFetchedAfterMount, qc]);

  const rows = useMemo(() => q.data?.pages.flatMap((p) => p.data) ?? [], [q.data]);
  loaded.current = rows.length;
  return { query: q, rows };
}
