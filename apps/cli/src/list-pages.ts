import type { PageQuery } from '@xem/client';
import type { Printer } from './output';

/** `--limit` / `--after` of the list verbs. */
export interface PageOptions {
  limit?: number | undefined;
  after?: string | undefined;
}

interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** Rows per request when the CLI walks every page (the server's maximum). */
const WALK_LIMIT = 500;

/**
 * With `--limit`, one page of that size (after `--after`). Without it, every page from `--after`
 * on (or from the start), so that a list verb shows everything by default; the answer then has
 * `next_cursor: null`.
 */
export async function fetchPages<T>(
  opts: PageOptions,
  fetch: (query: PageQuery) => Promise<Page<T>>,
): Promise<Page<T>> {
  if (opts.limit !== undefined) return fetch({ limit: opts.limit, cursor: opts.after });
  const data: T[] = [];
  let cursor = opts.after;
  for (;;) {
    const page = await fetch({ limit: WALK_LIMIT, cursor });
    data.push(...page.data);
    if (page.next_cursor === null || page.next_cursor === cursor) return { data, next_cursor: null };
    cursor = page.next_cursor;
  }
}

/** On a terminal, how to get the next page: `more: --after <cursor>` on stderr. */
export function noteMore(out: Printer, page: { next_cursor: string | null }): void {
  if (page.next_cursor !== null && out.isTty) out.note(`more: --after ${page.next_cursor}`);
}
