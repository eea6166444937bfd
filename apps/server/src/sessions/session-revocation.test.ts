import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  createTestApp,
  login,
  opsRequest,
  seedMembership,
  seedUser,
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

const getSession = (b: Browser) =>
  t.app.inject({ method: 'GET', url: '/ops/session', headers: { cookie: b.cookie } });

/** A member of the default project with two signed-in browsers, plus an unrelated member. */
async function setup(prefix: string) {
  const target = await seedUser(t, { email: `${prefix}@example.test`, password: 'target-password-1' });
  await seedMembership(t, t.projectId, target.id, 'member');
  const bystander = await seedUser(t, {
    email: `${prefix}-other@example.test`,
    password: 'other-password-1',
  });
  await seedMembership(t, t.projectId, bystander.id, 'member');
  return {
    id: target.id,
    a: await login(t.app, target.email, 'target-password-1'),
    b: await login(t.app, target.email, 'target-password-1'),
    other: await login(t.app, bystander.email, 'other-password-1'),
  };
}

async function expectEnded(b: Browser): Promise<void> {
  const res = await getSession(b);
  expect(res.statusCode).toBe(401);
  expect(res.json().error.code).toBe('session_expired');
}

describe('role change', () => {
  it('ends every session of the user whose role changed, and no one else’s', async () => {
    const s = await setup('promoted');
    expect((await getSession(s.a)).statusCode).toBe(200);

    const res = await opsRequest(t.app, admin, 'PATCH', `/ops/api/members/${s.id}`, { role: 'owner' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ user_id: s.id, role: 'owner' });

    await expectEnded(s.a);
    await expectEnded(s.b);
    expect((await getSession(s.other)).statusCode).toBe(200);
    expect((await getSession(admin)).statusCode).toBe(200);

    // Signing in again gives the new role.
    const again = await login(t.app, 'promoted@example.test', 'target-password-1');
    const info = (await getSession(again)).json();
    expect(info.projects).toEqual([expect.objectContaining({ id: t.projectId, role: 'owner' })]);

    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select('after')
      .where('action', '=', 'member.set_role')
      .where('target_id', '=', s.id)
      .executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({ role: 'owner', sessions_ended: 2 });
  });

  it('keeps the sessions when the role is set to what it already is', async () => {
    const s = await setup('unchanged');
    const res = await opsRequest(t.app, admin, 'PATCH', `/ops/api/members/${s.id}`, { role: 'member' });
    expect(res.statusCode).toBe(200);
    expect((await getSession(s.a)).statusCode).toBe(200);
  });

  it('keeps the sessions when the change is refused', async () => {
    const s = await setup('refused');
    // A member cannot change roles; the target's sessions must survive the attempt.
    const res = await opsRequest(t.app, s.other, 'PATCH', `/ops/api/members/${s.id}`, { role: 'owner' });
    expect(res.statusCode).toBe(403);
    expect((await getSession(s.a)).statusCode).toBe(200);
  });
});

describe('membership removal', () => {
  it('ends every session of the removed user, and no one else’s', async () => {
    const s = await setup('removed');
    const res = await opsRequest(t.app, admin, 'DELETE', `/ops/api/members/${s.id}`);
    expect(res.statusCode).toBe(200);
    await expectEnded(s.a);
    await expectEnded(s.b);
    expect((await getSession(s.other)).statusCode).toBe(200);

    // Signing in again shows no project: the removed user has none left.
    const again = await login(t.app, 'removed@example.test', 'target-password-1');
    const info = (await getSession(again)).json();
    expect(info.projects).toEqual([]);
    expect(info.active_project_id).toBeNull();
    const members = await opsRequest(t.app, again, 'GET', '/ops/api/members');
    expect(members.statusCode).toBe(404);
    expect(members.json().error.code).toBe('project_not_found');
  });

  it('ends the session of a user removing themselves (an owner leaving)', async () => {
    const leaver = await seedUser(t, { email: 'leaver@example.test', password: 'leaver-password-1' });
    await seedMembership(t, t.projectId, leaver.id, 'owner');
    const b = await login(t.app, 'leaver@example.test', 'leaver-password-1');
    const res = await opsRequest(t.app, b, 'DELETE', `/ops/api/members/${leaver.id}`);
    expect(res.statusCode).toBe(200);
    await expectEnded(b);
  });
});
