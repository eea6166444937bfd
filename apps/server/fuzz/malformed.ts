import fc from 'fast-check';
import { anyJson } from './schema-arbitrary';

/** A request body as sent on the wire: its text and its Content-Type (absent: none sent). */
export interface WireBody {
  kind: string;
  payload: string;
  contentType?: string;
}

const json = (kind: string, value: unknown): WireBody => ({
  kind,
  payload: JSON.stringify(value),
  contentType: 'application/json',
});

/** The valid value with one field given a value of another type, dropped, or one added. */
export function wrongTypes(valid: unknown): fc.Arbitrary<WireBody> {
  if (valid === null || typeof valid !== 'object' || Array.isArray(valid)) {
    return anyJson.map((v) => json('wrong-type', v));
  }
  const keys = Object.keys(valid);
  const edits = [
    fc.tuple(fc.string({ maxLength: 12 }), anyJson).map(([k, v]) => ({ ...valid, [k]: v })),
    ...(keys.length
      ? [
          fc.tuple(fc.constantFrom(...keys), anyJson).map(([k, v]) => ({ ...valid, [k]: v })),
          fc
            .constantFrom(...keys)
            .map((k) => Object.fromEntries(Object.entries(valid).filter(([n]) => n !== k))),
        ]
      : []),
  ];
  return fc.oneof(...edits).map((v) => json('wrong-type', v));
}

/** A string field far beyond any limit (some beyond the body limit too). */
export function hugeStrings(valid: unknown): fc.Arbitrary<WireBody> {
  const keys = valid && typeof valid === 'object' && !Array.isArray(valid) ? Object.keys(valid) : [];
  return fc
    .tuple(
      keys.length ? fc.constantFrom(...keys) : fc.constant('name'),
      fc.constantFrom(10_000, 100_000, 1_100_000),
      fc.constantFrom('x', 'é', '\u{1F600}', '\u0000', '"', '\\'),
    )
    .map(([k, n, c]) => json('huge-string', { ...(valid as object), [k]: c.repeat(n / c.length) }));
}

/** Arrays or objects nested thousands deep. */
export const deepJson: fc.Arbitrary<WireBody> = fc
  .tuple(fc.integer({ min: 100, max: 200_000 }), fc.boolean())
  .map(([depth, arrays]) => ({
    kind: 'deep-json',
    payload: arrays ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
    contentType: 'application/json',
  }));

/** Prototype-poisoning keys at the top, nested, or next to valid fields. */
export function protoKeys(valid: unknown): fc.Arbitrary<WireBody> {
  const base = JSON.stringify(valid ?? {}).slice(1, -1);
  const sep = base.length ? ',' : '';
  return fc
    .constantFrom(
      `{"__proto__":{"polluted":true}${sep}${base}}`,
      `{${base}${sep}"__proto__":{"isAdmin":true}}`,
      `{"constructor":{"prototype":{"polluted":true}}${sep}${base}}`,
      `{"a":{"__proto__":{"polluted":true}}${sep}${base}}`,
      `[{"__proto__":{"polluted":true}}]`,
      `{"__proto__":null${sep}${base}}`,
    )
    .map((payload) => ({ kind: 'proto-key', payload, contentType: 'application/json' }));
}

/** Text that is not JSON, or not the media type the server reads. */
export function badContent(valid: unknown): fc.Arbitrary<WireBody> {
  const text = JSON.stringify(valid ?? {});
  return fc.oneof(
    fc
      .constantFrom('{"a":', '{a:1}', "{'a':1}", '[1,]', 'nul', '\u0000', '{"a":1}}', '\uFEFF{}', '')
      .map((payload) => ({ kind: 'bad-json', payload, contentType: 'application/json' })),
    fc
      .string({ maxLength: 200 })
      .map((payload) => ({ kind: 'bad-json', payload, contentType: 'application/json' })),
    fc
      .constantFrom(
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=x',
        'application/x-www-form-urlencoded',
        'application/json; charset=latin1',
        'application/json; charset=utf-16',
        'application/jsonx',
        'application/vnd.api+json',
        'text/json',
        '*/*',
        'application/json;;;',
        'a/b/c',
      )
      .map((contentType) => ({ kind: 'content-type', payload: text, contentType })),
    fc.constant({ kind: 'no-content-type', payload: text }),
  );
}

/** A path parameter value: a real id of the right kind, or something else. */
export function paramValue(real: string | undefined): fc.Arbitrary<string> {
  const junk = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc.string({ maxLength: 30, unit: 'binary' }),
    fc.constantFrom(
      '0',
      '-1',
      '..',
      '%2e%2e',
      'null',
      'undefined',
      '__proto__',
      'constructor',
      'a'.repeat(300),
    ),
    fc.nat().map(String),
  );
  const encoded = junk.map((v) => encodeURIComponent(v));
  return real
    ? fc.oneof({ weight: 3, arbitrary: fc.constant(real) }, { weight: 2, arbitrary: encoded })
    : encoded;
}

/** Query strings: the documented parameters with fuzzed values, plus unknown ones. */
export function queryString(names: string[]): fc.Arbitrary<string> {
  const value = fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.integer().map(String),
    fc.constantFrom(
      '-1',
      '0',
      '1e309',
      'NaN',
      '',
      'true',
      '[]',
      '%',
      '%zz',
      'a'.repeat(5000),
      '99999999999999999999',
    ),
  );
  const name = names.length
    ? fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 8 }))
    : fc.string({ maxLength: 8 });
  return fc
    .array(fc.tuple(name, value), { maxLength: 5 })
    .map((pairs) =>
      pairs.length
        ? `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${v.includes('%') ? v : encodeURIComponent(v)}`).join('&')}`
        : '',
    );
}
