import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../ids';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  createTestApp,
  login,
  opsRequest,
  seedMembership,
  seedUser,
  sessionCookieFrom,
  type TestApp,
} from '../../test/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ XEM_SESSION_ABSOLUTE_TIMEOUT_SECONDS: '7200' });
});
afterAll(() => t.close());

const getSession = (cookie: string) =>
  t.app.inject({ method: 'GET', url: '/ops/session', headers: { cookie } });

async function insertProject(slug: string): Promise<string> {
  const id = newId('proj');
  await t.deps.db
    .insertInto('projects')
    .values({ id, slug, name: `Project ${slug}` })
    .execute();
  return id;
}

describe('login and logout', () => {
  it('refuses a wrong password with 401 invalid_credentials and sets no cookie', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/ops/login',
      payload: { email: ADMIN_EMAIL, password: 'not-the-password' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('invalid_credentials');
    expect(res.cookies.find((c) => c.name === 'xem_session')).toBeUndefined();
  });

  it('accepts the e-mail in any case and with surrounding spaces', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/ops/login',
      payload: { email: `  ${ADMIN_EMAIL.toUpperCase()} `, password: ADMIN_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().user.email).toBe(ADMIN_EMAIL);
  });

  it('logout ends only that session, clears the cookie, and needs a live session', async () => {
    const a = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const b = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const out = await opsRequest(t.app, a, 'POST', '/ops/logout');
    expect(out.statusCode).toBe(200);
    expect(out.json()).toEqual({ ok: true });
    const cleared = out.cookies.find((c) => c.name === 'xem_session')!;
    expect(cleared.value).toBe('');
    expect(cleared.expires!.getTime()).toBeLessThan(Date.now());

    expect((await getSession(a.cookie)).statusCode).toBe(401);
    expect((await getSession(b.cookie)).statusCode).toBe(200);
    const again = await opsRequest(t.app, a, 'POST', '/ops/logout');
    expect(again.statusCode).toBe(401);
    expect(again.json().error.code).toBe('session_expired');
  });

  it('answers 401 authentication_required without a cookie', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/ops/session' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('authentication_required');
  });

  it('audits login and logout on the system chain', async () => {
    const b = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    await t.app.inject({
      method: 'POST',
      url: '/ops/logout',
      headers: { cookie: b.cookie, 'x-csrf-token': b.csrf, 'x-request-id': 'lifecycle-logout-1' },
    });
    const rows = await t.deps.db
      .selectFrom('audit_log')
      .select(['project_id', 'action', 'outcome', 'actor_id'])
      .where('request_id', '=', 'lifecycle-logout-1')
      .execute();
    expect(rows).toEqual([
      { project_id: 'system', action: 'auth.logout', outcome: 'success', actor_id: b.userId },
    ]);
  });
});

describe('session rotation at login', () => {
  it('drops the session the browser had and issues a different id and CSRF token', async () => {
    const before = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const res = await t.app.inject({
      method: 'POST',
      url: '/ops/login',
      headers: { cookie: before.cookie },
      payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const after = sessionCookieFrom(res);
    expect(after).not.toBe(before.cookie);
    expect(res.json().csrf_token).not.toBe(before.csrf);

    const old = await getSession(before.cookie);
    expect(old.statusCode).toBe(401);
    expect(old.json().error.code).toBe('session_expired');
    expect((await getSession(after)).statusCode).toBe(200);
  });

  it('never adopts a session id chosen by the client (fixation)', async () => {
    const planted = 'xem_session=attacker-chosen-value-0123456789';
    const res = await t.app.inject({
      method: 'POST',
      url: '/ops/login',
      headers: { cookie: planted },
      payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    expect(sessionCookieFrom(res)).not.toBe(planted);
    expect((await getSession(planted)).statusCode).toBe(401);
  });

  it('stores only a hash of the session id', async () => {
    const b = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const raw = b.cookie.split('=')[1]!;
    const hit = await t.deps.db.selectFrom('sessions').select('id_hash').where('id_hash', '=', raw).execute();
    expect(hit).toEqual([]);
  });
});

describe('GET /ops/session', () => {
  it('returns exactly {user, projects, active_project_id, csrf_token, expires_at}', async () => {
    const b = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const res = await getSession(b.cookie);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual([
      'active_project_id',
      'csrf_token',
      'expires_at',
      'projects',
      'user',
    ]);
    expect(body.user).toMatchObject({
      id: b.userId,
      email: ADMIN_EMAIL,
      is_admin: true,
      must_change_password: false,
    });
    expect(body.user).not.toHaveProperty('password_hash');
    expect(body.csrf_token).toBe(b.csrf);
    expect(body.active_project_id).toBe(t.projectId);
    expect(body.projects).toContainEqual(
      expect.objectContaining({ id: t.projectId, slug: 'default', role: 'owner' }),
    );

    // Absolute expiry is sign-in time + XEM_SESSION_ABSOLUTE_TIMEOUT_SECONDS on the database clock.
    const { rows } = await sql<{ now: Date }>`SELECT now() AS now`.execute(t.deps.db);
    const secondsLeft = (Date.parse(body.expires_at) - rows[0]!.now.getTime()) / 1000;
    expect(secondsLeft).toBeGreaterThan(7200 - 60);
    expect(secondsLeft).toBeLessThanOrEqual(7200);
  });
});

describe('POST /ops/session/project', () => {
  it('switches the active project for a member of both, and /ops/api follows it', async () => {
    const second = await insertProject('second');
    const user = await seedUser(t, { email: 'both@example.test', password: 'both-password-1' });
    await seedMembership(t, t.projectId, user.id, 'member');
    await seedMembership(t, second, user.id, 'owner');

    const b = await login(t.app, 'both@example.test', 'both-password-1');
    const start = await getSession(b.cookie);
    expect(start.json().active_project_id).toBe(t.projectId);
    expect(
      start
        .json()
        .projects.map((p: { id: string }) => p.id)
        .sort(),
    ).toEqual([t.projectId, second].sort());

    const res = await opsRequest(t.app, b, 'POST', '/ops/session/project', { project_id: second });
    expect(res.statusCode).toBe(200);
    expect(res.json().active_project_id).toBe(second);
    expect((await getSession(b.cookie)).json().active_project_id).toBe(second);

    // The dashboard JSON now acts on the second project: only this user is a member there.
    const members = await opsRequest(t.app, b, 'GET', '/ops/api/members');
    expect(members.statusCode).toBe(200);
    expect(members.json().data.map((m: { email: string }) => m.email)).toEqual(['both@example.test']);

    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'target_id'])
      .where('project_id', '=', second)
      .where('action', '=', 'session.switch_project')
      .execute();
    expect(audit).toEqual([{ action: 'session.switch_project', target_id: second }]);
  });

  it('answers 404 project_not_found for an unknown project and leaves the session as it was', async () => {
    const b = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const res = await opsRequest(t.app, b, 'POST', '/ops/session/project', {
      project_id: 'proj_doesnotexist',
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('project_not_found');
    expect((await getSession(b.cookie)).json().active_project_id).toBe(t.projectId);
  });

  it('answers 404 project_not_found for a project the user is not a member of', async () => {
    const foreign = await insertProject('foreign');
    const user = await seedUser(t, { email: 'one@example.test', password: 'one-password-1' });
    await seedMembership(t, t.projectId, user.id, 'member');
    const b = await login(t.app, 'one@example.test', 'one-password-1');
    expect((await getSession(b.cookie)).json().projects.map((p: { id: string }) => p.id)).toEqual([
      t.projectId,
    ]);

    const res = await opsRequest(t.app, b, 'POST', '/ops/session/project', { project_id: foreign });
    expect(res.statusCode).toBe(404);
    expect(res.json().error.code).toBe('project_not_found');
    expect((await getSession(b.cookie)).json().active_project_id).toBe(t.projectId);
  });

  it('lets an admin open any project, member or not', async () => {
    const other = await insertProject('admin-visible');
    const b = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const res = await opsRequest(t.app, b, 'POST', '/ops/session/project', { project_id: other });
    expect(res.statusCode).toBe(200);
    expect(res.json().active_project_id).toBe(other);
    expect(res.json().projects).toContainEqual(expect.objectContaining({ id: other, role: null }));
  });
});
