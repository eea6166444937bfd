import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  createTestApp,
  login,
  opsRequest,
  type TestApp,
} from '../../test/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('POST /ops/login', () => {
  it('signs in, returns the session with a CSRF token and sets an HttpOnly cookie', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/ops/login',
      payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user.email).toBe(ADMIN_EMAIL);
    expect(body.active_project_id).toBe(t.projectId);
    expect(body.csrf_token).toMatch(/^[a-z0-9]{43}$/);
    const cookie = res.cookies.find((c) => c.name === 'xem_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    expect(res.headers['x-request-id']).toMatch(/^req_/);
  });

  it('session works and logout ends it', async () => {
    const b = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const s = await t.app.inject({ method: 'GET', url: '/ops/session', headers: { cookie: b.cookie } });
    expect(s.statusCode).toBe(200);
    const out = await opsRequest(t.app, b, 'POST', '/ops/logout');
    expect(out.statusCode).toBe(200);
    const after = await t.app.inject({ method: 'GET', url: '/ops/session', headers: { cookie: b.cookie } });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.code).toBe('session_expired');
  });
});
