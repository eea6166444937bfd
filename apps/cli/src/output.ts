import type { Io } from './io';

export const OUTPUT_FORMATS = ['table', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export type CellValue = string | number | boolean | null | undefined | readonly string[];

export interface Column<T> {
  header: string;
  value: (row: T) => CellValue;
  /** Times are shortened on a terminal and kept exact when piped. */
  time?: boolean;
}

/**
 * Renders one cell. On a terminal, absent values show as `-` and times drop their
 * milliseconds; piped output keeps values exact and leaves absent ones empty, so `cut` and
 * `awk` see stable fields.
 */
export function formatCell(value: CellValue, tty: boolean, time = false): string {
  if (value === null || value === undefined || value === '') return tty ? '-' : '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.join(',') || (tty ? '-' : '');
  const text = String(value).replace(/[\t\r\n]+/g, ' ');
  return time && tty ? text.replace(/\.\d+Z$/, 'Z') : text;
}

/**
 * A terminal gets a header and aligned columns; a pipe gets tab-separated rows without a
 * header, one record per line (the gh convention).
 */
export function formatTable(headers: readonly string[], rows: readonly string[][], tty: boolean): string {
  if (!tty) return rows.map((r) => `${r.join('\t')}\n`).join('');
  const all = [headers, ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => [...(r[i] ?? '')].length)));
  const line = (r: readonly string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - [...c].length)))
      .join('  ')
      .trimEnd();
  return all.map((r) => `${line(r)}\n`).join('');
}

/** Writes command results in the chosen format: data on stdout, notes for people on stderr. */
export class Printer {
  constructor(
    private readonly io: Io,
    readonly format: OutputFormat,
  ) {}

  get isJson(): boolean {
    return this.format === 'json';
  }

  /** Whether stdout is a terminal (a person reads it) rather than a pipe. */
  get isTty(): boolean {
    return this.io.stdout.isTTY;
  }

  json(value: unknown): void {
    this.io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /** Rows as a table, or `jsonValue` (the API's own answer) with `-o json`. */
  list<T>(rows: readonly T[], columns: readonly Column<T>[], jsonValue: unknown, emptyNote?: string): void {
    if (this.isJson) return this.json(jsonValue);
    const tty = this.io.stdout.isTTY;
    if (rows.length === 0 && tty && emptyNote) return this.note(emptyNote);
    const cells = rows.map((row) => columns.map((c) => formatCell(c.value(row), tty, c.time)));
    this.io.stdout.write(
      formatTable(
        columns.map((c) => c.header),
        cells,
        tty,
      ),
    );
  }

  /** One object as `FIELD  value` lines (tab-separated when piped), or JSON. */
  record(fields: ReadonlyArray<readonly [string, CellValue]>, jsonValue: unknown): void {
    if (this.isJson) return this.json(jsonValue);
    const tty = this.io.stdout.isTTY;
    const width = Math.max(...fields.map(([name]) => name.length)) + 1;
    const lines = fields.map(([name, value]) =>
      tty ? `${`${name}:`.padEnd(width)}  ${formatCell(value, tty)}` : `${name}\t${formatCell(value, tty)}`,
    );
    this.io.stdout.write(lines.map((l) => `${l}\n`).join(''));
  }

  /** A line of data that scripts read (a secret, a URL) — plain in every non-JSON mode. */
  line(text: string): void {
    this.io.stdout.write(`${text}\n`);
  }

  /** A note for the person at the terminal; stderr, so it never mixes into piped data. */
  note(text: string): void {
    this.io.stderr.write(`${text}\n`);
  }
}
