import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestApp, type TestApp } from '../../test/test-app';

const loginPayload = { email: ADMIN_EMAIL, password: ADMIN_PASSWORD };

describe('session cookie over plain http', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ XEM_SESSION_ABSOLUTE_TIMEOUT_SECONDS: '3600' });
  });
  afterAll(() => t.close());

  it('is xem_session, HttpOnly, SameSite=Lax, Path=/, not Secure, no Domain, expiring with the session', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/ops/login', payload: loginPayload });
    expect(res.statusCode).toBe(200);
    expect(res.cookies).toHaveLength(1);
    const c = res.cookies[0]!;
    expect(c.name).toBe('xem_session');
    expect(c.value.length).toBeGreaterThanOrEqual(40);
    expect(c.httpOnly).toBe(true);
    expect(c.sameSite).toBe('Lax');
    expect(c.path).toBe('/');
    expect(c.secure).toBeFalsy();
    expect(c.domain).toBeUndefined();
    expect(c.maxAge).toBe(3600);
    const raw = String(res.headers['set-cookie']);
    expect(raw).toMatch(/;\s*HttpOnly/i);
    expect(raw).not.toMatch(/;\s*Secure/i);
  });

  it('sends no HSTS header', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/ops/login', payload: loginPayload });
    expect(res.headers['strict-transport-security']).toBeUndefined();
    const health = await t.app.inject({ method: 'GET', url: '/healthz' });
    expect(health.headers['strict-transport-security']).toBeUndefined();
  });
});

describe('session cookie when XEM_BASE_URL is https', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ XEM_BASE_URL: 'https://xem.example.test' });
  });
  afterAll(() => t.close());

  it('is named __Host-xem_session and is Secure, HttpOnly, SameSite=Lax, Path=/ without Domain', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/ops/login', payload: loginPayload });
    expect(res.statusCode).toBe(200);
    expect(res.cookies.map((c) => c.name)).toEqual(['__Host-xem_session']);
    const c = res.cookies[0]!;
    expect(c.secure).toBe(true);
    expect(c.httpOnly).toBe(true);
    expect(c.sameSite).toBe('Lax');
    expect(c.path).toBe('/');
    expect(c.domain).toBeUndefined();
  });

  it('authenticates with the __Host- cookie and ignores a plain xem_session cookie', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/ops/login', payload: loginPayload });
    const value = res.cookies[0]!.value;
    const ok = await t.app.inject({
      method: 'GET',
      url: '/ops/session',
      headers: { cookie: `__Host-xem_session=${value}` },
    });
    expect(ok.statusCode).toBe(200);
    // A cookie without the prefix could have been planted by a sibling subdomain or over http.
    const plain = await t.app.inject({
      method: 'GET',
      url: '/ops/session',
      headers: { cookie: `xem_session=${value}` },
    });
    expect(plain.statusCode).toBe(401);
    expect(plain.json().error.code).toBe('authentication_required');
  });

  it('clears the __Host- cookie with the same attributes on logout', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/ops/login', payload: loginPayload });
    const cookie = `__Host-xem_session=${res.cookies[0]!.value}`;
    const out = await t.app.inject({
      method: 'POST',
      url: '/ops/logout',
      headers: { cookie, 'x-csrf-token': res.json().csrf_token },
    });
    expect(out.statusCode).toBe(200);
    const cleared = out.cookies.find((c) => c.name === '__Host-xem_session')!;
    expect(cleared.value).toBe('');
    // Browsers ignore a __Host- cookie (even a clearing one) without Secure and Path=/.
    expect(cleared.secure).toBe(true);
    expect(cleared.path).toBe('/');
  });

  it('sends HSTS on every response', async () => {
    for (const res of [
      await t.app.inject({ method: 'POST', url: '/ops/login', payload: loginPayload }),
      await t.app.inject({ method: 'GET', url: '/healthz' }),
      await t.app.inject({ method: 'GET', url: '/ops/session' }),
    ]) {
      const hsts = res.headers['strict-transport-security'];
      expect(hsts).toMatch(/max-age=(\d+)/);
      expect(Number(/max-age=(\d+)/.exec(String(hsts))![1])).toBeGreaterThanOrEqual(31_536_000);
    }
  });

  it('builds invitation links from XEM_BASE_URL, not the Host header', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/ops/login', payload: loginPayload });
    const cookie = `__Host-xem_session=${res.cookies[0]!.value}`;
    const add = await t.app.inject({
      method: 'POST',
      url: '/ops/api/members',
      headers: { cookie, 'x-csrf-token': res.json().csrf_token, host: 'evil.example' },
      payload: { email: 'linked@example.test', role: 'member' },
    });
    expect(add.statusCode).toBe(201);
    expect(add.json().invite_url).toMatch(
      /^https:\/\/xem\.example\.test\/ops\/invitations\/accept\?token=[a-z0-9]+$/,
    );
  });
});
