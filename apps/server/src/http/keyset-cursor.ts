import { sql, type RawBuilder } from 'kysely';
import { AppError } from './app-error';

/**
 * Keyset pagination shared by the list routes. A cursor is base64url of the sort key of the last
 * row of a page, its parts joined by `|` (the id, last, never holds one). Shapes:
 * - `time_id`: `<created_at with microseconds>|<id>`; JavaScript dates keep only milliseconds, so
 *   the time is taken as text from the database (see {@link microsText}) to stay exact;
 * - `text_id`: `<text>|<id>` (e.g. an agent's registration name);
 * - `text`: `<text>` alone, for a key that is unique by itself (e.g. a tool name).
 */
export type CursorShape = 'time_id' | 'text_id' | 'text';

const PATTERNS: Record<CursorShape, RegExp> = {
  time_id: /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)\|([A-Za-z0-9_]{1,64})$/,
  text_id: /^([^]{1,200})\|([A-Za-z0-9_]{1,64})$/,
  text: /^([^]{1,200})$/,
};

export function encodeCursor(...parts: string[]): string {
  return Buffer.from(parts.join('|')).toString('base64url');
}

/** The parts of a cursor of `shape`; anything this API did not hand out is a 400 `invalid_query`. */
export function decodeCursor(cursor: string, shape: CursorShape): string[] {
  const text = Buffer.from(cursor, 'base64url').toString();
  const m = PATTERNS[shape].exec(text);
  if (!m || encodeCursor(text) !== cursor) {
    throw new AppError('invalid_query', 'cursor is not one this API handed out', { param: 'cursor' });
  }
  return m.slice(1);
}

/** A timestamp column as text with microseconds in UTC, the form `time_id` cursors carry. */
export function microsText(column: string): RawBuilder<string> {
  return sql<string>`to_char(${sql.ref(column)} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/**
 * The condition "after the cursor" for an order by `columns` (same direction each): the rows whose
 * key is past the decoded `after` key in that direction.
 */
export function keysetAfter(
  columns: readonly string[],
  after: readonly string[],
  shape: CursorShape,
  direction: 'asc' | 'desc',
): RawBuilder<boolean> {
  const op = sql.raw(direction === 'asc' ? '>' : '<');
  const [c0, c1] = columns;
  const [v0, v1] = after;
  if (shape === 'text') return sql<boolean>`${sql.ref(c0!)} ${op} ${v0!}`;
  const first = shape === 'time_id' ? sql`${v0!}::timestamptz` : sql`${v0!}`;
  return sql<boolean>`(${sql.ref(c0!)}, ${sql.ref(c1!)}) ${op} (${first}, ${v1!})`;
}

/**
 * Cuts rows read with `limit + 1` down to a page and sets `next_cursor` from the key of its last
 * row when more rows exist.
 */
export function pageOf<R>(
  rows: readonly R[],
  limit: number,
  keyOf: (row: R) => string[],
): { rows: R[]; next_cursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page,
    next_cursor: rows.length > limit && last !== undefined ? encodeCursor(...keyOf(last)) : null,
  };
}
