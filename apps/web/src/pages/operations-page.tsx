import { createRoute, useNavigate } from '@tanstack/react-router';
import type { SortingState, Updater } from '@tanstack/react-table';
import { useCallback, useMemo } from 'react';
import { columnFiltersOf, executionColumns } from '../operations/execution-columns';
import { ExecutionModal } from '../operations/execution-modal';
import { OperationsFilters } from '../operations/operations-filters';
import { filtersOf, validateOperationsSearch, type OperationsSearch } from '../operations/operations-search';
import { OperationsTable } from '../operations/operations-table';
import { sortParamOf, sortingOf } from '../operations/operations-table-options';
import { useExecutionRows } from '../operations/use-execution-rows';
import { useNameLookups } from '../operations/use-name-lookups';
import { appRoute } from '../routes/app-route';
import { Empty, ErrorState, Loading } from '../ui/states';
import '../operations/operations.css';

/** Recent executions, filtered by the URL, live, with the detail modal at `?execution=<id>`. */
function OperationsPage() {
  const search = operationsRoute.useSearch();
  const navigate = useNavigate({ from: '/operations' });
  const { status, risk, source, tool, agent, workspace, window: win } = search;
  const filters = useMemo(
    () => filtersOf({ status, risk, source, tool, agent, workspace, window: win }),
    [status, risk, source, tool, agent, workspace, win],
  );
  const { agents, workspaces, tools, names } = useNameLookups();
  const { query, rows } = useExecutionRows(filters, names);
  const columns = useMemo(() => executionColumns(names), [names]);
  const columnFilters = useMemo(() => columnFiltersOf(filters, names, Date.now()), [filters, names]);
  const sorting = useMemo(
    () => sortingOf(search.sort).filter((s) => columns.some((c) => c.id === s.id)),
    [search.sort, columns],
  );

  const patch = useCallback(
    (p: Partial<OperationsSearch>, replace = true) =>
      void navigate({ search: (prev) => ({ ...prev, ...p }), replace }),
    [navigate],
  );
  const onSortingChange = useCallback(
    (u: Updater<SortingState>) => patch({ sort: sortParamOf(typeof u === 'function' ? u(sorting) : u) }),
    [patch, sorting],
  );
  const open = useCallback((id: string) => patch({ execution: id }, false), [patch]);
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  return (
    <section className="page ops-page">
      <div className="page-head row between">
        <h2>Operations</h2>
        <span className="muted" aria-live="polite" data-testid="operations-count">
          {query.isSuccess &&
            `${rows.length.toLocaleString()} execution${rows.length === 1 ? '' : 's'} loaded${
              hasNextPage ? ', more on the server' : ''
            }`}
        </span>
      </div>
      <OperationsFilters
        filters={filters}
        agents={agents}
        workspaces={workspaces}
        tools={tools}
        onChange={(p) => patch(p)}
      />
      {query.isPending ? (
        <Loading what="Loading executions" />
      ) : query.isError ? (
        <ErrorState error={query.error} retry={() => void query.refetch()} />
      ) : rows.length === 0 ? (
        <Empty title="No executions match these filters">
          New executions appear here as they are created.
        </Empty>
      ) : (
        <OperationsTable
          rows={rows}
          columns={columns}
          sorting={sorting}
          onSortingChange={onSortingChange}
          columnFilters={columnFilters}
          onOpen={open}
          onNearEnd={loadMore}
        />
      )}
      {hasNextPage && (
        <div className="row end">
          <button className="btn" type="button" onClick={loadMore} disabled={isFetchingNextPage}>
            {isFetchingNextPage ? 'Loading…' : 'Load more'}
          </button>
        </div>
      )}
      {search.execution && (
        <ExecutionModal
          key={search.execution}
          id={search.execution}
          names={names}
          onClose={() => patch({ execution: undefined }, false)}
        />
      )}
    </section>
  );
}

export const operationsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: '/operations',
  validateSearch: validateOperationsSearch,
  component: OperationsPage,
});
