import {
  flexRender,
  useReactTable,
  type ColumnDef,
  type ColumnFiltersState,
  type OnChangeFn,
  type SortingState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Execution } from '@xem/protocol';
import { useEffect, useRef, type KeyboardEvent } from 'react';
import { operationsTableOptions } from './operations-table-options';

/** Fixed row height in px: the virtualizer never measures, so 100k rows cost what 40 do. */
export const ROW_HEIGHT = 32;
/** Ask for the next page when the last rendered row is this close to the end. */
const NEAR_END_ROWS = 60;

const ARIA_SORT = { asc: 'ascending', desc: 'descending' } as const;

/**
 * The executions as a virtualised table: only the rows in view (plus overscan) are in the DOM,
 * between two spacer rows; the header sticks; a header button sorts; a row opens on click, Enter
 * or Space, and ArrowUp/ArrowDown move between rows.
 */
export function OperationsTable({
  rows,
  columns,
  sorting,
  onSortingChange,
  columnFilters,
  onOpen,
  onNearEnd,
  height,
}: {
  rows: Execution[];
  columns: ColumnDef<Execution>[];
  sorting: SortingState;
  onSortingChange: OnChangeFn<SortingState>;
  columnFilters: ColumnFiltersState;
  onOpen: (id: string) => void;
  onNearEnd?: () => void;
  height?: string;
}) {
  const table = useReactTable({
    ...operationsTableOptions(rows, columns, sorting, columnFilters),
    onSortingChange,
  });
  const model = table.getRowModel().rows;
  const scroller = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({
    count: model.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = v.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? -1;
  useEffect(() => {
    if (onNearEnd && model.length > 0 && lastIndex >= model.length - NEAR_END_ROWS) onNearEnd();
  }, [lastIndex, model.length, onNearEnd]);

  const top = items[0]?.start ?? 0;
  const bottom = v.getTotalSize() - (items[items.length - 1]?.end ?? 0);

  function onRowKey(e: KeyboardEvent<HTMLTableRowElement>, index: number, id: string) {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onOpen(id);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = Math.min(model.length - 1, Math.max(0, index + (e.key === 'ArrowDown' ? 1 : -1)));
      v.scrollToIndex(next);
      requestAnimationFrame(() =>
        scroller.current?.querySelector<HTMLElement>(`tr[data-index="${next}"]`)?.focus(),
      );
    }
  }

  return (
    <div
      ref={scroller}
      className="table-wrap ops-scroller"
      style={height ? { height } : undefined}
      data-testid="operations-scroller"
    >
      <table className="table ops-table" aria-rowcount={model.length + 1}>
        <colgroup>
          {table.getVisibleLeafColumns().map((c) => (
            <col key={c.id} style={{ width: c.getSize() }} />
          ))}
        </colgroup>
        <thead>
          {table.getHeaderGroups().map((g) => (
            <tr key={g.id} aria-rowindex={1}>
              {g.headers.map((h) => {
                const dir = h.column.getIsSorted();
                return (
                  <th key={h.id} aria-sort={dir ? ARIA_SORT[dir] : 'none'}>
                    <button type="button" className="sort-btn" onClick={h.column.getToggleSortingHandler()}>
                      {flexRender(h.column.columnDef.header, h.getContext())}
                      <span aria-hidden="true" className="sort-mark">
                        {dir === 'asc' ? '▲' : dir === 'desc' ? '▼' : ''}
                      </span>
                    </button>
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          {top > 0 && <tr className="spacer" aria-hidden="true" style={{ height: top }} />}
          {items.map((item) => {
            const row = model[item.index]!;
            return (
              <tr
                key={row.id}
                data-index={item.index}
                data-id={row.id}
                aria-rowindex={item.index + 2}
                tabIndex={0}
                className="clickable"
                style={{ height: ROW_HEIGHT }}
                onClick={() => onOpen(row.id)}
                onKeyDown={(e) => onRowKey(e, item.index, row.id)}
              >
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
                ))}
              </tr>
            );
          })}
          {bottom > 0 && <tr className="spacer" aria-hidden="true" style={{ height: bottom }} />}
        </tbody>
      </table>
    </div>
  );
}
