import { describe, expect, it } from 'vitest';
import type { ConfigData } from './config-file';
import { DEFAULT_BASE_URL, resolveSettings } from './settings';

const config: ConfigData = {
  current_context: 'prod',
  contexts: {
    prod: { base_url: 'https://prod.example', api_key: 'xero_prod_ctx', project_id: 'proj_prod' },
    staging: { base_url: 'https://staging.example/', api_key: 'xero_staging_ctx', project_id: 'proj_stg' },
  },
};
const env = { XEROCTL_BASE_URL: 'https://env.example', XEROCTL_API_KEY: 'xero_env_key' };

describe('resolveSettings precedence: flag > env > context > default', () => {
  it('takes flags over everything', () => {
    const s = resolveSettings({ baseUrl: 'https://flag.example', apiKey: 'xero_flag_key' }, env, config);
    expect(s).toMatchObject({
      baseUrl: 'https://flag.example',
      baseUrlSource: 'flag',
      apiKey: 'xero_flag_key',
      apiKeySource: 'flag',
    });
  });

  it('takes the environment over the context', () => {
    const s = resolveSettings({}, env, config);
    expect(s).toMatchObject({
      baseUrl: 'https://env.example',
      baseUrlSource: 'env',
      apiKey: 'xero_env_key',
      apiKeySource: 'env',
    });
  });

  it('takes the current context when there are no flags or env', () => {
    const s = resolveSettings({}, {}, config);
    expect(s).toMatchObject({
      contextName: 'prod',
      baseUrl: 'https://prod.example',
      apiKey: 'xero_prod_ctx',
      projectId: 'proj_prod',
    });
  });

  it('lets --context pick another context, trimming a trailing slash', () => {
    const s = resolveSettings({ context: 'staging' }, {}, config);
    expect(s).toMatchObject({
      contextName: 'staging',
      contextFromFlag: true,
      baseUrl: 'https://staging.example',
    });
  });

  it('falls back to the default URL and no key', () => {
    const s = resolveSettings({}, {}, { contexts: {} });
    expect(s).toMatchObject({
      contextName: 'default',
      baseUrl: DEFAULT_BASE_URL,
      baseUrlSource: 'default',
      apiKey: undefined,
    });
  });

  it('mixes sources per setting', () => {
    const s = resolveSettings(
      { apiKey: 'xero_flag_key' },
      { XEROCTL_BASE_URL: 'https://env.example' },
      config,
    );
    expect(s).toMatchObject({ baseUrlSource: 'env', apiKeySource: 'flag' });
  });

  it("uses the context's project only with the context's key", () => {
    expect(resolveSettings({}, {}, config).projectId).toBe('proj_prod');
    expect(resolveSettings({ apiKey: 'xero_other_key' }, {}, config).projectId).toBeUndefined();
    expect(resolveSettings({}, { XEROCTL_API_KEY: 'xero_env_key' }, config).projectId).toBeUndefined();
  });

  it('ignores empty flag and env values', () => {
    const s = resolveSettings({ baseUrl: '' }, { XEROCTL_BASE_URL: '' }, config);
    expect(s.baseUrlSource).toBe('context');
  });
});
