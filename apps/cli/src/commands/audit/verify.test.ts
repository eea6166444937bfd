import { afterAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../../../test/buffer-io';
import { fakeDeps } from '../../../test/fake-deps';
import { removeTempConfigs, tempConfigPath } from '../../../test/temp-config';
import { CliError } from '../../cli-error';
import { run } from './verify';

afterAll(removeTempConfigs);

const configPath = tempConfigPath();

describe('audit verify', () => {
  it('prints the problems and fails with exit 1 when the chain is broken', async () => {
    const io = bufferIo();
    const verifyAudit = async () => ({
      ok: false,
      rows_checked: 12,
      head_seq: 12,
      problems: [{ seq: 7, kind: 'hash_mismatch' as const, message: 'row 7 was changed' }],
    });
    const err = await run({}, fakeDeps(io, { configPath, client: { verifyAudit } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).exitCode).toBe(1);
    expect((err as CliError).message).toBe('audit chain is broken: 1 problem(s) in 12 rows (head seq 12)');
    expect(io.out()).toBe('7\thash_mismatch\trow 7 was changed\n');
  });

  it('still prints the JSON result before failing with -o json', async () => {
    const io = bufferIo();
    const result = { ok: false, rows_checked: 3, head_seq: 4, problems: [] };
    const deps = fakeDeps(io, {
      configPath,
      client: { verifyAudit: async () => result },
      globals: { output: 'json' },
    });
    await expect(run({}, deps)).rejects.toThrow(/broken/);
    expect(JSON.parse(io.out())).toEqual(result);
  });

  it('says how much it checked when the chain is intact', async () => {
    const io = bufferIo();
    const verifyAudit = async () => ({ ok: true, rows_checked: 5, head_seq: 5, problems: [] });
    await run({}, fakeDeps(io, { configPath, client: { verifyAudit } }));
    expect(io.out()).toBe('');
    expect(io.err()).toBe('Audit chain intact: 5 rows checked, head at seq 5.\n');
  });
});
