import fc from 'fast-check';

/** Characters a mutation puts into a credential: its own alphabets, separators and oddities. */
const CHARS = fc.oneof(
  fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split('')),
  fc.constantFrom(
    '.',
    '=',
    '+',
    '/',
    ' ',
    '\t',
    '%',
    ';',
    ',',
    '"',
    '\\',
    '\u00e9',
    '\u0130',
    '\u{1F600}',
    '\u200b',
    '0',
  ),
);

/** One edit of a string: replace, insert, delete, truncate, duplicate, case, pad, swap halves. */
export type Mutation = (s: string) => string;

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(fc.nat(), CHARS).map(([i, c]): Mutation => (s) => {
    const at = i % Math.max(1, s.length);
    return s.slice(0, at) + c + s.slice(at + 1);
  }),
  fc.tuple(fc.nat(), CHARS).map(([i, c]): Mutation => (s) => {
    const at = i % (s.length + 1);
    return s.slice(0, at) + c + s.slice(at);
  }),
  fc.nat().map((i): Mutation => (s) => {
    const at = i % Math.max(1, s.length);
    return s.slice(0, at) + s.slice(at + 1);
  }),
  fc.nat().map(
    (i): Mutation =>
      (s) =>
        s.slice(0, i % Math.max(1, s.length)),
  ),
  fc.constant<Mutation>((s) => s + s),
  fc.constant<Mutation>((s) => s.toUpperCase()),
  fc.constant<Mutation>((s) => s.toLowerCase()),
  fc.constantFrom('=', '==', ' ', '\n', '%00', '.', '..').map(
    (p): Mutation =>
      (s) =>
        s + p,
  ),
  fc.constantFrom(' ', '\u00a0', '\ufeff').map(
    (p): Mutation =>
      (s) =>
        p + s,
  ),
  fc.constant<Mutation>((s) => s.slice(Math.floor(s.length / 2)) + s.slice(0, Math.floor(s.length / 2))),
  fc.constant<Mutation>((s) => encodeURIComponent(s)),
  fc.constant<Mutation>((s) => s.normalize('NFKD')),
  fc.nat().map((i): Mutation => (s) => {
    // Flips one bit of one character.
    const at = i % Math.max(1, s.length);
    return s.slice(0, at) + String.fromCharCode(s.charCodeAt(at) ^ (1 << (i % 7))) + s.slice(at + 1);
  }),
);

/** One to four edits in a row. */
export const mutations: fc.Arbitrary<Mutation> = fc.array(mutation, { minLength: 1, maxLength: 4 }).map(
  (ms): Mutation =>
    (s) =>
      ms.reduce((acc, m) => m(acc), s),
);
