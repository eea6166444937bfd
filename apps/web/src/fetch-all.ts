import type { List, PageQuery } from '@xem/client';

/**
 * Every page of a plain list route, 500 at a time (the server's maximum page).
 *
 * Shared query keys hold one shape everywhere: ['agents'], ['workspaces'], ['tools'],
 * ['members'] … hold the full array this returns, never a `{data, next_cursor}` page — two
 * views reading one key with different shapes would break each other through the cache.
 */
export async function fetchAll<T>(page: (q: PageQuery) => Promise<List<T>>): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  do {
    const p = await page({ limit: 500, cursor });
    all.push(...p.data);
    cursor = p.next_cursor ?? undefined;
  } while (cursor);
  return all;
}
