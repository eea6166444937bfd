import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, REPO_BUNDLES_DIR } from './config';

const base = { XEM_ROUTER_URL: 'http://router.test:8080', XEM_REGISTRATION_NAME: 'web-1' };
const noFile = () => undefined;

describe('loadConfig', () => {
  it('applies defaults from the contract', () => {
    const c = loadConfig({ argv: [], env: { ...base, XEM_STATE_DIR: '/tmp/s' }, readFile: noFile });
    expect(c).toMatchObject({
      routerUrl: 'http://router.test:8080',
      registrationName: 'web-1',
      joinKey: undefined,
      maxConcurrentExecutions: 20,
      shutdownGraceSeconds: 30,
      leaseRenewalIntervalMs: 10_000,
      maxOutputBytes: 1_048_576,
      logLevel: 'info',
      toolsDir: REPO_BUNDLES_DIR,
      stateDir: '/tmp/s',
      signingKeyPath: '/tmp/s/agent-signing-key.hex',
      fileRoot: '/tmp/s/files',
    });
  });

  it('takes a flag over the environment over the file over the default', () => {
    const file =
      'max_concurrent_executions: 3\nshutdown_grace_seconds: 7\nLOG_LEVEL: warning\nregion: eu-1\n';
    const c = loadConfig({
      argv: ['--max-concurrent-executions', '5', '--region=us-2'],
      env: {
        ...base,
        XEM_MAX_CONCURRENT_EXECUTIONS: '4',
        XEM_SHUTDOWN_GRACE_SECONDS: '9',
        XEM_CONFIG: '/x.yaml',
      },
      readFile: (p) => (p === '/x.yaml' ? file : undefined),
    });
    expect(c.maxConcurrentExecutions).toBe(5);
    expect(c.region).toBe('us-2');
    expect(c.shutdownGraceSeconds).toBe(9);
    expect(c.logLevel).toBe('warn');
    expect(c.leaseRenewalIntervalMs).toBe(10_000);
  });

  it('reads required settings from the YAML file and strips a trailing slash from the router URL', () => {
    const c = loadConfig({
      argv: ['--config', '/etc/a.yaml'],
      env: {},
      readFile: () => 'router_url: https://r.example/\nregistration_name: db-2\njoin_key: xjk_abc\n',
    });
    expect(c).toMatchObject({ routerUrl: 'https://r.example', registrationName: 'db-2', joinKey: 'xjk_abc' });
  });

  it('refuses to start naming every missing required setting', () => {
    expect(() => loadConfig({ argv: [], env: {}, readFile: noFile })).toThrowError(
      /missing required settings: XEM_ROUTER_URL .*XEM_REGISTRATION_NAME/,
    );
    expect(() =>
      loadConfig({ argv: [], env: { XEM_ROUTER_URL: 'http://x' }, readFile: noFile }),
    ).toThrowError(ConfigError);
  });

  it('names the bad value and why', () => {
    expect(() =>
      loadConfig({ argv: [], env: { ...base, XEM_MAX_CONCURRENT_EXECUTIONS: 'lots' }, readFile: noFile }),
    ).toThrowError(/XEM_MAX_CONCURRENT_EXECUTIONS="lots"/);
    expect(() =>
      loadConfig({ argv: [], env: { ...base, XEM_ROUTER_URL: 'ftp://x' }, readFile: noFile }),
    ).toThrowError(/XEM_ROUTER_URL/);
    expect(() =>
      loadConfig({ argv: [], env: { ...base, XEM_REGISTRATION_NAME: 'Bad Name' }, readFile: noFile }),
    ).toThrowError(/XEM_REGISTRATION_NAME/);
  });

  it('refuses a nested YAML file, unknown keys and unknown flags', () => {
    const nested = () => 'router_url: http://x\nlimits:\n  a: 1\n';
    expect(() => loadConfig({ argv: [], env: base, readFile: nested })).toThrowError(
      /unknown setting limits/,
    );
    expect(() => loadConfig({ argv: [], env: base, readFile: () => 'router_url: [a, b]\n' })).toThrowError(
      /single value/,
    );
    expect(() => loadConfig({ argv: ['--router-ulr', 'x'], env: base, readFile: noFile })).toThrowError(
      /unknown flag --router-ulr/,
    );
  });

  it('treats a missing default file as empty but a missing explicit file as an error', () => {
    expect(() => loadConfig({ argv: [], env: base, readFile: noFile })).not.toThrow();
    expect(() => loadConfig({ argv: ['--config', '/nope.yaml'], env: base, readFile: noFile })).toThrowError(
      /\/nope.yaml does not exist/,
    );
  });
});
