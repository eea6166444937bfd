import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    const c = loadConfig({});
    expect(c.host).toBe('127.0.0.1');
    expect(c.port).toBe(8080);
    expect(c.dataDir).toBe('./.xem/data');
    expect(c.databaseUrl).toBeUndefined();
    expect(c.baseUrl).toBe('http://127.0.0.1:8080');
    expect(c.secureCookies).toBe(false);
    expect(c.logLevel).toBe('info');
    expect(c.sessionIdleTimeoutSeconds).toBe(3600);
    expect(c.sessionAbsoluteTimeoutSeconds).toBe(43200);
    expect(c.login).toEqual({
      maxFailuresPerAccount: 5,
      maxFailuresPerIp: 50,
      windowSeconds: 900,
      maxBlockSeconds: 900,
    });
    expect(c.passwordHashCost).toBe(17);
    expect(c.approvalLinkSecret).toBeUndefined();
    expect(c.smtp).toBeNull();
  });

  it('ignores unrelated variables and treats empty values as unset', () => {
    const c = loadConfig({ XEM_PORT: '', XEM_HOST: '', PATH: '/bin', HOME: '/root' });
    expect(c.port).toBe(8080);
    expect(c.host).toBe('127.0.0.1');
  });

  it('reads every value it is given', () => {
    const c = loadConfig({
      XEM_HOST: '0.0.0.0',
      XEM_PORT: '9090',
      XEM_DATA_DIR: '/var/lib/xem',
      DATABASE_URL: 'postgresql://xem@db:5432/xem',
      XEM_ADMIN_EMAIL: 'Root@Example.test',
      XEM_TRUST_PROXY: 'yes',
      XEROTIER_APPROVAL_LINK_SECRET: 'x'.repeat(32),
    });
    expect(c).toMatchObject({
      host: '0.0.0.0',
      port: 9090,
      dataDir: '/var/lib/xem',
      databaseUrl: 'postgresql://xem@db:5432/xem',
      adminEmail: 'root@example.test',
      trustProxy: true,
      approvalLinkSecret: 'x'.repeat(32),
      baseUrl: 'http://0.0.0.0:9090',
    });
  });

  it('derives https settings from XEM_BASE_URL and drops a trailing slash', () => {
    const c = loadConfig({ XEM_BASE_URL: 'https://xem.example.test/' });
    expect(c.baseUrl).toBe('https://xem.example.test');
    expect(c.secureCookies).toBe(true);
  });

  it('brackets an IPv6 host in the default base URL', () => {
    expect(loadConfig({ XEM_HOST: '::1', XEM_PORT: '8081' }).baseUrl).toBe('http://[::1]:8081');
  });

  it.each([
    ['XEM_PORT', 'abc'],
    ['XEM_PORT', '70000'],
    ['DATABASE_URL', 'mysql://x'],
    ['XEROTIER_APPROVAL_LINK_SECRET', 'too-short'],
    ['XEM_BASE_URL', 'not a url'],
    ['XEM_BASE_URL', 'javascript:alert(1)'],
    ['XEM_BASE_URL', 'ftp://xem.example.test'],
    ['XEM_BASE_URL', 'https://xem.example.test/?next=evil'],
    ['XEM_LOG_LEVEL', 'verbose'],
    ['XEM_TRUST_PROXY', 'maybe'],
    ['XEM_SESSION_IDLE_TIMEOUT_SECONDS', '5'],
    ['XEM_ADMIN_PASSWORD', 'short'],
    ['XEM_SMTP_URL', 'https://mail.example.test'],
    ['XEM_SMTP_URL', 'mail.example.test:587'],
    ['XEM_SMTP_FROM', 'XEM <not-an-address>'],
    ['XEM_SMTP_MAX_ATTEMPTS', '0'],
  ])('refuses %s=%s, naming the variable', (name, value) => {
    const err = errorOf({ [name]: value });
    expect(err.message).toContain(`${name}:`);
  });

  it('names every wrong variable at once', () => {
    const err = errorOf({ XEM_PORT: 'abc', DATABASE_URL: 'mysql://x' });
    expect(err.message).toContain('XEM_PORT:');
    expect(err.message).toContain('DATABASE_URL:');
  });

  it('counts the approval link secret in bytes', () => {
    // 11 three-byte characters: 11 characters long, but 33 bytes.
    expect(loadConfig({ XEROTIER_APPROVAL_LINK_SECRET: '€'.repeat(11) }).approvalLinkSecret).toBe(
      '€'.repeat(11),
    );
    expect(errorOf({ XEROTIER_APPROVAL_LINK_SECRET: 'x'.repeat(31) }).message).toContain(
      'XEROTIER_APPROVAL_LINK_SECRET',
    );
  });

  it('reads SMTP settings only with XEM_SMTP_URL, and never echoes the URL in an error', () => {
    expect(loadConfig({ XEM_SMTP_FROM: 'Ops <ops@example.test>' }).smtp).toBeNull();
    const c = loadConfig({ XEM_SMTP_URL: 'smtps://user:s3cret@mail.example.test:465' });
    expect(c.smtp).toEqual({
      url: 'smtps://user:s3cret@mail.example.test:465',
      from: 'XEM <xem@localhost>',
      maxAttempts: 8,
      retryBaseMs: 30_000,
      timeoutMs: 30_000,
    });
    expect(
      loadConfig({ XEM_SMTP_URL: 'smtp://mail.example.test:587', XEM_SMTP_FROM: 'ops@example.test' }).smtp
        ?.from,
    ).toBe('ops@example.test');
    const err = errorOf({ XEM_SMTP_URL: 'http://user:s3cret@mail.example.test' });
    expect(err.message).toContain('XEM_SMTP_URL:');
    expect(err.message).not.toContain('s3cret');
  });
});
