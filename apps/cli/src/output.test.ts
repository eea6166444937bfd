import { describe, expect, it } from 'vitest';
import { bufferIo } from '../test/buffer-io';
import { formatCell, formatTable, Printer, type Column } from './output';

describe('formatCell', () => {
  it('shows absent values as - on a terminal and empty when piped', () => {
    expect(formatCell(null, true)).toBe('-');
    expect(formatCell(undefined, false)).toBe('');
    expect(formatCell([], true)).toBe('-');
  });

  it('renders booleans, lists and times', () => {
    expect(formatCell(true, false)).toBe('yes');
    expect(formatCell(['execution', 'management'], false)).toBe('execution,management');
    expect(formatCell('2026-01-02T03:04:05.678Z', true, true)).toBe('2026-01-02T03:04:05Z');
    expect(formatCell('2026-01-02T03:04:05.678Z', false, true)).toBe('2026-01-02T03:04:05.678Z');
  });

  it('keeps tabs and newlines in values from breaking piped records', () => {
    expect(formatCell('a\tb\nc', false)).toBe('a b c');
  });
});

describe('formatTable', () => {
  const headers = ['ID', 'NAME', 'ROLE'];
  const rows = [
    ['usr_1', 'Ann', 'owner'],
    ['usr_22', 'Bartholomew', 'member'],
  ];

  it('aligns columns under a header on a terminal', () => {
    expect(formatTable(headers, rows, true)).toBe(
      'ID      NAME         ROLE\n' + 'usr_1   Ann          owner\n' + 'usr_22  Bartholomew  member\n',
    );
  });

  it('writes tab-separated records without a header when piped', () => {
    expect(formatTable(headers, rows, false)).toBe('usr_1\tAnn\towner\nusr_22\tBartholomew\tmember\n');
  });

  it('aligns by characters, not bytes', () => {
    expect(formatTable(['A', 'B'], [['é', 'x']], true)).toBe('A  B\né  x\n');
  });
});

describe('Printer', () => {
  type Row = { id: string; seen: string | null };
  const columns: Column<Row>[] = [
    { header: 'ID', value: (r) => r.id },
    { header: 'SEEN', value: (r) => r.seen, time: true },
  ];
  const data: Row[] = [{ id: 'a', seen: null }];

  it('prints the API answer as JSON with -o json, whatever the terminal', () => {
    const io = bufferIo({ tty: true });
    new Printer(io, 'json').list(data, columns, { data, next_cursor: null });
    expect(JSON.parse(io.out())).toEqual({ data, next_cursor: null });
  });

  it('puts the empty-list note on stderr and nothing on stdout', () => {
    const io = bufferIo({ tty: true });
    new Printer(io, 'table').list([], columns, [], 'No keys.');
    expect(io.out()).toBe('');
    expect(io.err()).toBe('No keys.\n');
  });

  it('prints records as aligned fields on a terminal and tab-separated when piped', () => {
    const tty = bufferIo({ tty: true });
    new Printer(tty, 'table').record(
      [
        ['USER', 'ann@x.test'],
        ['SCOPES', ['execution']],
      ],
      {},
    );
    expect(tty.out()).toBe('USER:    ann@x.test\nSCOPES:  execution\n');
    const piped = bufferIo();
    new Printer(piped, 'table').record([['USER', 'ann@x.test']], {});
    expect(piped.out()).toBe('USER\tann@x.test\n');
  });
});
