import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../cli-error';
import { buildToolArgs, collectArg, parseScalar } from './tool-args';

const dir = mkdtempSync(join(tmpdir(), 'xeroctl-args-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const noStdin = async () => '';

describe('parseScalar', () => {
  it.each([
    ['3', 3],
    ['-2.5', -2.5],
    ['1e3', 1000],
    ['true', true],
    ['false', false],
    ['null', null],
    ['"42"', '42'],
    ['"a \\"b\\""', 'a "b"'],
    ['web-1', 'web-1'],
    ['007', '007'],
    ['1.', '1.'],
    ['', ''],
    ['True', 'True'],
    ['12345678901234567890', '12345678901234567890'],
    ['{"a":1}', '{"a":1}'],
    ['"unterminated', '"unterminated'],
  ])('%j → %j', (raw, value) => {
    expect(parseScalar(raw)).toEqual(value);
  });
});

describe('collectArg', () => {
  it('splits on the first = only and keeps order', () => {
    const pairs = collectArg('b=x=y', collectArg('a=1', undefined));
    expect(pairs).toEqual([
      ['a', 1],
      ['b', 'x=y'],
    ]);
  });

  it('refuses a value without a key or without =', () => {
    expect(() => collectArg('novalue', undefined)).toThrow(InvalidArgumentError);
    expect(() => collectArg('=3', undefined)).toThrow(InvalidArgumentError);
  });
});

describe('buildToolArgs', () => {
  it('uses --args-json as the base and lets --arg override', async () => {
    const args = await buildToolArgs({ argsJson: '{"a":1,"b":{"c":true}}', arg: [['a', 2]] }, noStdin);
    expect(args).toEqual({ a: 2, b: { c: true } });
  });

  it('reads --args-file from a file or from stdin with -', async () => {
    const file = join(dir, 'args.json');
    writeFileSync(file, '{"path":"/var/log"}');
    expect(await buildToolArgs({ argsFile: file }, noStdin)).toEqual({ path: '/var/log' });
    expect(await buildToolArgs({ argsFile: '-' }, async () => '{"n":1}')).toEqual({ n: 1 });
  });

  it('is empty without any source', async () => {
    expect(await buildToolArgs({}, noStdin)).toEqual({});
  });

  it.each([
    [{ argsJson: '{}', argsFile: 'x' }, /not both/],
    [{ argsJson: '[1]' }, /must be a JSON object/],
    [{ argsJson: 'null' }, /must be a JSON object/],
    [{ argsJson: '{oops' }, /not valid JSON/],
    [{ argsFile: join(dir, 'missing.json') }, /cannot read/],
  ])('refuses %j as a usage error', async (src, message) => {
    const err = await buildToolArgs(src, noStdin).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UsageError);
    expect((err as UsageError).message).toMatch(message);
    expect((err as UsageError).exitCode).toBe(2);
  });
});
