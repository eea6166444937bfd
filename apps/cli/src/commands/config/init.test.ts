import { afterAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../../../test/buffer-io';
import { fakeDeps } from '../../../test/fake-deps';
import { removeTempConfigs, tempConfigPath } from '../../../test/temp-config';
import { ConfigFile } from '../../config-file';
import { DEFAULT_BASE_URL } from '../../settings';
import { run } from './init';

afterAll(removeTempConfigs);

describe('config init', () => {
  it('asks on a terminal for what is missing, the key with echo off', async () => {
    const configPath = tempConfigPath();
    const io = bufferIo({ tty: true, answers: [' prod', 'https://xem.example/ ', 'xero_prod_k'] });
    await run({}, fakeDeps(io, { configPath }));
    expect(io.asked.map((a) => a.secret)).toEqual([false, false, true]);
    // The prompt returns lines as typed; the name and URL drop stray spaces here.
    expect(new ConfigFile(configPath).load()).toEqual({
      current_context: 'prod',
      contexts: { prod: { base_url: 'https://xem.example', api_key: 'xero_prod_k' } },
    });
  });

  it('never prompts without a terminal and falls back to defaults', async () => {
    const configPath = tempConfigPath();
    const io = bufferIo();
    await run({}, fakeDeps(io, { configPath }));
    expect(io.asked).toEqual([]);
    expect(new ConfigFile(configPath).load().contexts).toEqual({ default: { base_url: DEFAULT_BASE_URL } });
    expect(io.err()).toContain('No API key yet');
  });

  it('forgets the stored project when the key changes, since the new key may belong elsewhere', async () => {
    const configPath = tempConfigPath();
    const file = new ConfigFile(configPath);
    file.save({
      contexts: {
        a: { base_url: 'https://a', api_key: 'xero_old_k', project_id: 'proj_old', project_slug: 'old' },
      },
    });
    await run({ name: 'a', apiKey: 'xero_new_k' }, fakeDeps(bufferIo(), { configPath }));
    expect(file.load().contexts.a).toEqual({ base_url: 'https://a', api_key: 'xero_new_k' });
  });

  it('refuses a base URL that is not http(s) as a usage error', async () => {
    const deps = fakeDeps(bufferIo(), { configPath: tempConfigPath() });
    await expect(run({ baseUrl: 'xem.example' }, deps)).rejects.toMatchObject({ exitCode: 2 });
  });
});
