import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  createTestApp,
  login,
  opsRequest,
  seedMembership,
  seedUser,
  sessionCookieFrom,
  type Browser,
  type TestApp,
} from '../../test/test-app';

let t: TestApp;
let admin: Browser;
beforeAll(async () => {
  t = await createTestApp();
  admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
});
afterAll(() => t.close());

const getSession = (cookie: string) =>
  t.app.inject({ method: 'GET', url: '/ops/session', headers: { cookie } });

function loginRes(email: string, password: string) {
  return t.app.inject({ method: 'POST', url: '/ops/login', payload: { email, password } });
}

async function member(email: string, password: string): Promise<string> {
  const u = await seedUser(t, { email, password });
  await seedMembership(t, t.projectId, u.id, 'member');
  return u.id;
}

describe('POST /ops/password', () => {
  it('refuses a wrong current password, changes nothing and keeps the session', async () => {
    await member('wrong-current@example.test', 'first-password-1');
    const b = await login(t.app, 'wrong-current@example.test', 'first-password-1');
    const res = await opsRequest(t.app, b, 'POST', '/ops/password', {
      current_password: 'not-my-password',
      new_password: 'second-password-2',
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error).toMatchObject({ code: 'invalid_credentials', param: 'current_password' });
    expect(res.cookies).toEqual([]);
    expect((await getSession(b.cookie)).statusCode).toBe(200);
    expect((await loginRes('wrong-current@example.test', 'second-password-2')).statusCode).toBe(401);
    expect((await loginRes('wrong-current@example.test', 'first-password-1')).statusCode).toBe(200);
  });

  it('refuses a new password equal to the current one, or too short', async () => {
    await member('same@example.test', 'same-password-1');
    const b = await login(t.app, 'same@example.test', 'same-password-1');
    const same = await opsRequest(t.app, b, 'POST', '/ops/password', {
      current_password: 'same-password-1',
      new_password: 'same-password-1',
    });
    expect(same.statusCode).toBe(400);
    expect(same.json().error).toMatchObject({ code: 'invalid_body', param: 'new_password' });
    const short = await opsRequest(t.app, b, 'POST', '/ops/password', {
      current_password: 'same-password-1',
      new_password: 'short',
    });
    expect(short.statusCode).toBe(400);
    expect(short.json().error).toMatchObject({ code: 'invalid_body', param: 'new_password' });
    expect((await getSession(b.cookie)).statusCode).toBe(200);
  });

  it('ends every session of the user and returns a fresh working one', async () => {
    const userId = await member('changer@example.test', 'first-password-1');
    const laptop = await login(t.app, 'changer@example.test', 'first-password-1');
    const phone = await login(t.app, 'changer@example.test', 'first-password-1');

    const res = await opsRequest(t.app, laptop, 'POST', '/ops/password', {
      current_password: 'first-password-1',
      new_password: 'second-password-2',
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user).toMatchObject({ id: userId, must_change_password: false });
    expect(body.active_project_id).toBe(t.projectId);
    const fresh = sessionCookieFrom(res);
    expect(fresh).not.toBe(laptop.cookie);
    expect(body.csrf_token).not.toBe(laptop.csrf);

    for (const old of [laptop, phone]) {
      const r = await getSession(old.cookie);
      expect(r.statusCode).toBe(401);
      expect(r.json().error.code).toBe('session_expired');
    }
    const sessions = await t.deps.db
      .selectFrom('sessions')
      .select('id_hash')
      .where('user_id', '=', userId)
      .execute();
    expect(sessions).toHaveLength(1);

    // The new session works for reads and, with its new CSRF token, for writes.
    expect((await getSession(fresh)).statusCode).toBe(200);
    const next: Browser = { cookie: fresh, csrf: body.csrf_token, userId };
    expect((await opsRequest(t.app, next, 'POST', '/ops/logout')).statusCode).toBe(200);

    expect((await loginRes('changer@example.test', 'first-password-1')).statusCode).toBe(401);
    expect((await loginRes('changer@example.test', 'second-password-2')).statusCode).toBe(200);

    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['project_id', 'outcome', 'after'])
      .where('action', '=', 'user.password_change')
      .where('target_id', '=', userId)
      .execute();
    expect(audit).toEqual([{ project_id: 'system', outcome: 'success', after: { sessions_ended: 2 } }]);
  });

  it('leaves other users’ sessions alone', async () => {
    await member('solo@example.test', 'first-password-1');
    const b = await login(t.app, 'solo@example.test', 'first-password-1');
    const res = await opsRequest(t.app, b, 'POST', '/ops/password', {
      current_password: 'first-password-1',
      new_password: 'second-password-2',
    });
    expect(res.statusCode).toBe(200);
    expect((await getSession(admin.cookie)).statusCode).toBe(200);
  });
});

describe('a user created by an admin with an initial password', () => {
  let userId: string;
  let b: Browser;
  beforeAll(async () => {
    const res = await opsRequest(t.app, admin, 'POST', '/ops/api/members', {
      email: 'initial@example.test',
      role: 'owner',
      initial_password: 'initial-password-1',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().invite_url).toBeNull();
    userId = res.json().member.user_id;
  });

  it('signs in with must_change_password set and can read its own session', async () => {
    const res = await loginRes('initial@example.test', 'initial-password-1');
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({ id: userId, must_change_password: true });
    b = { cookie: sessionCookieFrom(res), csrf: res.json().csrf_token, userId };
    const s = await getSession(b.cookie);
    expect(s.statusCode).toBe(200);
    expect(s.json().user.must_change_password).toBe(true);
  });

  it('is refused 403 password_change_required on every other /ops/api route', async () => {
    const refused = [
      await opsRequest(t.app, b, 'GET', '/ops/api/members'),
      await opsRequest(t.app, b, 'GET', '/ops/api/keys'),
      await opsRequest(t.app, b, 'GET', '/ops/api/audit'),
      await opsRequest(t.app, b, 'POST', '/ops/api/keys', { name: 'k', scopes: ['execution'] }),
      await opsRequest(t.app, b, 'POST', '/ops/session/project', { project_id: t.projectId }),
    ];
    for (const res of refused) {
      expect(res.statusCode, res.body).toBe(403);
      expect(res.json().error.code).toBe('password_change_required');
    }
    const keys = await t.deps.db
      .selectFrom('api_keys')
      .select('id')
      .where('created_by', '=', userId)
      .execute();
    expect(keys).toEqual([]);
  });

  it('cannot mint an API key with POST /v1/auth/token', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/token',
      payload: { email: 'initial@example.test', password: 'initial-password-1', name: 'cli' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('password_change_required');
  });

  it('after POST /ops/password everything works', async () => {
    const res = await opsRequest(t.app, b, 'POST', '/ops/password', {
      current_password: 'initial-password-1',
      new_password: 'chosen-password-2',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.must_change_password).toBe(false);
    const next: Browser = { cookie: sessionCookieFrom(res), csrf: res.json().csrf_token, userId };

    expect((await opsRequest(t.app, next, 'GET', '/ops/api/members')).statusCode).toBe(200);
    expect((await opsRequest(t.app, next, 'GET', '/ops/api/audit')).statusCode).toBe(200);
    const key = await opsRequest(t.app, next, 'POST', '/ops/api/keys', { name: 'k', scopes: ['execution'] });
    expect(key.statusCode).toBe(201);
    const token = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/token',
      payload: { email: 'initial@example.test', password: 'chosen-password-2', name: 'cli' },
    });
    expect(token.statusCode).toBe(201);
    // The initial password is gone.
    expect((await loginRes('initial@example.test', 'initial-password-1')).statusCode).toBe(401);
  });

  it('cannot be created with an initial password by a non-admin owner', async () => {
    await seedUser(t, { email: 'plain-owner@example.test', password: 'owner-password-1' }).then((u) =>
      seedMembership(t, t.projectId, u.id, 'owner'),
    );
    const owner = await login(t.app, 'plain-owner@example.test', 'owner-password-1');
    const res = await opsRequest(t.app, owner, 'POST', '/ops/api/members', {
      email: 'sneaky@example.test',
      role: 'member',
      initial_password: 'initial-password-1',
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('admin_required');
    const created = await t.deps.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'sneaky@example.test')
      .execute();
    expect(created).toEqual([]);
  });
});
