import type { TokenResponse } from '@xem/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../../../test/buffer-io';
import { fakeDeps } from '../../../test/fake-deps';
import { removeTempConfigs, tempConfigPath } from '../../../test/temp-config';
import { ConfigFile } from '../../config-file';
import { run } from './login';

afterAll(removeTempConfigs);

const token = {
  key: 'xero_ops_new',
  api_key: { id: 'key_9', prefix: 'xero_ops_new', scopes: ['execution', 'management'] },
  project_id: 'proj_9',
  project_slug: 'ops',
} as unknown as TokenResponse;

describe('auth login', () => {
  it('reads the password from stdin, mints a key and saves it in the named context', async () => {
    const configPath = tempConfigPath();
    let sent: { email?: string; password?: string; project?: string } = {};
    const createToken = async (body: typeof sent) => ((sent = body), token);
    const io = bufferIo({ stdin: 's3cret-password\n' });
    const deps = fakeDeps(io, {
      configPath,
      client: { createToken },
      globals: { context: 'ops', baseUrl: 'https://xem.example' },
    });
    await run({ email: 'ann@example.test', passwordStdin: true, project: 'ops' }, deps);
    expect(sent).toMatchObject({ email: 'ann@example.test', password: 's3cret-password', project: 'ops' });
    expect(new ConfigFile(configPath).load()).toEqual({
      current_context: 'ops',
      contexts: {
        ops: {
          base_url: 'https://xem.example',
          api_key: 'xero_ops_new',
          project_id: 'proj_9',
          project_slug: 'ops',
        },
      },
    });
    expect(io.out()).toBe('');
  });

  it('prompts with echo off on a terminal', async () => {
    const io = bufferIo({ tty: true, answers: ['typed-password'] });
    let password = '';
    const createToken = async (body: { password: string }) => ((password = body.password), token);
    await run(
      { email: 'ann@example.test', passwordStdin: false },
      fakeDeps(io, { configPath: tempConfigPath(), client: { createToken } }),
    );
    expect(io.asked).toEqual([{ question: 'Password for ann@example.test: ', secret: true }]);
    expect(password).toBe('typed-password');
  });

  it('is a usage error to need a prompt without a terminal', async () => {
    const deps = fakeDeps(bufferIo(), { configPath: tempConfigPath() });
    await expect(run({ email: 'ann@example.test', passwordStdin: false }, deps)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('--password-stdin'),
    });
  });
});
