import type { InfiniteData } from '@tanstack/react-query';
import type { List } from '@xem/client';
import type { Execution } from '@xem/protocol';

export type ExecutionPages = InfiniteData<List<Execution>, string | undefined>;

/** Newest first, as the server pages them: (created_at DESC, id DESC). */
function newerFirst(a: Execution, b: Execution): number {
  if (a.created_at !== b.created_at) return a.created_at > b.created_at ? -1 : 1;
  return a.id > b.id ? -1 : a.id < b.id ? 1 : 0;
}

/**
 * Applies a batch of live execution rows to the loaded pages in place of a refetch:
 * a loaded row is replaced (or dropped when it no longer matches the filters); a new matching
 * row is inserted where the server's order puts it, unless it is older than everything loaded
 * while more pages remain (the next page brings it). Unchanged pages keep their identity.
 */
export function upsertExecutions(
  data: ExecutionPages,
  batch: ReadonlyMap<string, Execution>,
  matches: (e: Execution) => boolean,
): ExecutionPages {
  if (data.pages.length === 0) return data;
  const pending = new Map(batch);
  let changed = false;
  const pages = data.pages.map((page) => {
    let rows: Execution[] | null = null;
    page.data.forEach((row, i) => {
      const next = pending.get(row.id);
      if (!next) return;
      pending.delete(row.id);
      rows ??= page.data.slice();
      rows[i] = next;
    });
    if (!rows) return page;
    changed = true;
    return { ...page, data: (rows as Execution[]).filter((r) => !batch.has(r.id) || matches(r)) };
  });
  const fresh = [...pending.values()].filter(matches).sort(newerFirst);
  if (fresh.length === 0) return changed ? { ...data, pages } : data;

  const lastPage = pages[pages.length - 1];
  const more = lastPage?.next_cursor != null;
  for (const e of fresh) {
    // The first page whose oldest row is older than e; past the end only when nothing is left to load.
    let at = pages.findIndex((p) => p.data.length > 0 && newerFirst(e, p.data[p.data.length - 1]!) < 0);
    if (at === -1) {
      if (more) continue;
      at = pages.length - 1;
    }
    const page = pages[at]!;
    const rows = page.data.slice();
    const pos = rows.findIndex((r) => newerFirst(e, r) < 0);
    rows.splice(pos === -1 ? rows.length : pos, 0, e);
    pages[at] = { ...page, data: rows };
    changed = true;
  }
  return changed ? { ...data, pages } : data;
}
