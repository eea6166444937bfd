import type { CreatedKey } from '@xem/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../../../test/buffer-io';
import { fakeDeps } from '../../../test/fake-deps';
import { removeTempConfigs, tempConfigPath } from '../../../test/temp-config';
import { run } from './create';

afterAll(removeTempConfigs);

const configPath = tempConfigPath();
const created: CreatedKey = {
  key: 'xero_default_secret',
  api_key: {
    id: 'key_1',
    name: 'ci',
    prefix: 'xero_default_secr',
    scopes: ['execution'],
    created_by: 'usr_1',
    created_at: '2026-01-01T00:00:00.000Z',
    expires_at: null,
    last_used_at: null,
    revoked_at: null,
    rotated_to: null,
    active: true,
  },
};

describe('keys create', () => {
  it('sends name, scopes and expiry, prints only the secret on stdout and the warning on stderr', async () => {
    const io = bufferIo({ tty: true });
    let sent: unknown;
    const createKey = async (body: unknown) => ((sent = body), created);
    await run(
      { name: 'ci', scopes: ['execution'], expiresInDays: 30 },
      fakeDeps(io, { configPath, client: { createKey } }),
    );
    expect(sent).toEqual({ name: 'ci', scopes: ['execution'], expires_in_days: 30 });
    expect(io.out()).toBe('xero_default_secret\n');
    expect(io.err()).toContain('Created key ci (key_1), scopes execution.');
    expect(io.err()).toContain('it will not be shown again');
  });

  it('prints the whole answer, secret included, with -o json', async () => {
    const io = bufferIo();
    const deps = fakeDeps(io, {
      configPath,
      client: { createKey: async () => created },
      globals: { output: 'json' },
    });
    await run({ name: 'ci', scopes: ['execution'] }, deps);
    expect(JSON.parse(io.out())).toEqual(created);
  });
});
