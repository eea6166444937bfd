import {
  getCoreRowModel,
  getFilteredRowModel,
  getSortedRowModel,
  type ColumnDef,
  type ColumnFiltersState,
  type SortingState,
  type TableOptions,
} from '@tanstack/react-table';
import type { Execution } from '@xem/protocol';

/**
 * The Operations table model: rows filtered by the URL filters, then sorted by the URL sort.
 * Shared by the page and bench/operations-table, which times exactly this at 100k rows.
 */
export function operationsTableOptions(
  rows: Execution[],
  columns: ColumnDef<Execution>[],
  sorting: SortingState,
  columnFilters: ColumnFiltersState,
): Omit<TableOptions<Execution>, 'onStateChange' | 'renderFallbackValue'> {
  return {
    data: rows,
    columns,
    state: { sorting, columnFilters },
    getRowId: (e) => e.id,
    getCoreRowModel: getCoreRowModel(),
    getFilteredRowModel: getFilteredRowModel(),
    getSortedRowModel: getSortedRowModel(),
    manualFiltering: false,
    manualSorting: false,
    enableMultiSort: false,
    // The URL holds the sort and the filters; the table only reads them.
    enableSortingRemoval: true,
  };
}

/** `sort=-duration` (descending) or `sort=tool` (ascending) ⇄ the table's sorting state. */
export function sortingOf(sort: string | undefined): SortingState {
  if (!sort) return [];
  const desc = sort.startsWith('-');
  return [{ id: desc ? sort.slice(1) : sort, desc }];
}

export function sortParamOf(s: SortingState): string | undefined {
  const first = s[0];
  return first ? `${first.desc ? '-' : ''}${first.id}` : undefined;
}
