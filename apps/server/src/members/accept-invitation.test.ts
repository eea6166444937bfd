import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../ids';
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
let owner: Browser;
beforeAll(async () => {
  t = await createTestApp();
  owner = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
});
afterAll(() => t.close());

/** Owner invites an unknown e-mail; returns the invitation id and the token from its link. */
async function invite(
  email: string,
  role: 'owner' | 'member' = 'member',
): Promise<{ id: string; token: string }> {
  const res = await opsRequest(t.app, owner, 'POST', '/ops/api/members', { email, role });
  expect(res.statusCode, res.body).toBe(201);
  const body = res.json();
  expect(body.member).toBeNull();
  const url: string = body.invite_url;
  expect(url.startsWith(`${t.deps.config.baseUrl}/ops/invitations/`)).toBe(true);
  return { id: body.invitation.id, token: url.split('/').pop()! };
}

function accept(token: string, password = 'invitee-password-1', name?: string) {
  return t.app.inject({
    method: 'POST',
    url: '/ops/invitations/accept',
    payload: { token, password, ...(name ? { name } : {}) },
  });
}

function expectInvalid(res: Awaited<ReturnType<typeof accept>>): void {
  expect(res.statusCode).toBe(400);
  expect(res.json().error).toMatchObject({ code: 'invitation_invalid', param: 'token' });
  expect(res.cookies).toEqual([]);
}

const userByEmail = (email: string) =>
  t.deps.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();

describe('inviting an unknown e-mail', () => {
  it('returns an invite URL, stores only a hash of its token, and lists the invitation', async () => {
    const { id, token } = await invite('new@example.test', 'owner');
    const row = await t.deps.db
      .selectFrom('invitations')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(sha256Hex(token));
    expect(row).toMatchObject({ email: 'new@example.test', role: 'owner', project_id: t.projectId });
    const list = await opsRequest(t.app, owner, 'GET', '/ops/api/invitations');
    expect(list.json().data.map((i: { id: string }) => i.id)).toContain(id);
    expect(await userByEmail('new@example.test')).toBeUndefined();
  });
});

describe('POST /ops/invitations/accept', () => {
  it('creates the user, makes them a member with the invited role and signs them in', async () => {
    const { id, token } = await invite('joiner@example.test', 'member');
    const res = await accept(token, 'joiner-password-1', 'Joiner');
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.user).toMatchObject({
      email: 'joiner@example.test',
      name: 'Joiner',
      must_change_password: false,
    });
    expect(body.active_project_id).toBe(t.projectId);
    expect(body.projects).toEqual([expect.objectContaining({ id: t.projectId, role: 'member' })]);

    const membership = await t.deps.db
      .selectFrom('memberships')
      .select('role')
      .where('project_id', '=', t.projectId)
      .where('user_id', '=', body.user.id)
      .executeTakeFirst();
    expect(membership).toEqual({ role: 'member' });

    // Signed in: the cookie works and the CSRF token lets them act.
    const b: Browser = { cookie: sessionCookieFrom(res), csrf: body.csrf_token, userId: body.user.id };
    expect((await opsRequest(t.app, b, 'GET', '/ops/api/members')).statusCode).toBe(200);
    // The chosen password is theirs now.
    expect((await login(t.app, 'joiner@example.test', 'joiner-password-1')).userId).toBe(body.user.id);

    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['actor_id', 'outcome'])
      .where('project_id', '=', t.projectId)
      .where('action', '=', 'invitation.accept')
      .where('target_id', '=', id)
      .execute();
    expect(audit).toEqual([{ actor_id: body.user.id, outcome: 'success' }]);
  });

  it('refuses the same token a second time with 400 invitation_invalid', async () => {
    const { token } = await invite('twice@example.test');
    expect((await accept(token)).statusCode).toBe(200);
    expectInvalid(await accept(token, 'another-password-2'));
    // The second attempt did not change the password chosen the first time.
    expect((await login(t.app, 'twice@example.test', 'invitee-password-1')).userId).toBeTruthy();
  });

  it('refuses an expired invitation', async () => {
    const { id, token } = await invite('late@example.test');
    await sql`UPDATE invitations SET expires_at = now() - interval '1 second' WHERE id = ${id}`.execute(
      t.deps.db,
    );
    expectInvalid(await accept(token));
    expect(await userByEmail('late@example.test')).toBeUndefined();
  });

  it('refuses a revoked invitation', async () => {
    const { id, token } = await invite('revoked@example.test');
    const revoke = await opsRequest(t.app, owner, 'DELETE', `/ops/api/invitations/${id}`);
    expect(revoke.statusCode).toBe(200);
    expectInvalid(await accept(token));
    expect(await userByEmail('revoked@example.test')).toBeUndefined();
  });

  it('refuses an unknown token', async () => {
    expectInvalid(await accept('not-a-real-token'));
  });

  it('lets exactly one of two concurrent accepts succeed', async () => {
    const { token } = await invite('race@example.test');
    const results = await Promise.all([
      accept(token, 'racer-one-password'),
      accept(token, 'racer-two-password'),
    ]);
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, 400]);
    expectInvalid(results.find((r) => r.statusCode === 400)!);

    const users = await t.deps.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'race@example.test')
      .execute();
    expect(users).toHaveLength(1);
    const members = await t.deps.db
      .selectFrom('memberships')
      .select('user_id')
      .where('user_id', '=', users[0]!.id)
      .execute();
    expect(members).toHaveLength(1);
    const winner = results.findIndex((r) => r.statusCode === 200);
    const password = winner === 0 ? 'racer-one-password' : 'racer-two-password';
    expect((await login(t.app, 'race@example.test', password)).userId).toBe(users[0]!.id);
  });

  it('lets an existing account join only with its own password', async () => {
    const { token } = await invite('existing@example.test');
    // The account appears after the invitation was sent (e.g. through another project).
    const u = await seedUser(t, { email: 'existing@example.test', password: 'existing-password-1' });
    const wrong = await accept(token, 'guessed-password-1');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toMatchObject({ code: 'invalid_credentials', param: 'password' });
    const ok = await accept(token, 'existing-password-1');
    expect(ok.statusCode).toBe(200);
    expect(ok.json().user.id).toBe(u.id);
    const role = await t.deps.db
      .selectFrom('memberships')
      .select('role')
      .where('user_id', '=', u.id)
      .where('project_id', '=', t.projectId)
      .executeTakeFirst();
    expect(role).toEqual({ role: 'member' });
  });

  it('drops the session the browser had before accepting', async () => {
    const m = await seedUser(t, { email: 'before@example.test', password: 'before-password-1' });
    await seedMembership(t, t.projectId, m.id, 'member');
    const before = await login(t.app, 'before@example.test', 'before-password-1');
    const { token } = await invite('after@example.test');
    const res = await t.app.inject({
      method: 'POST',
      url: '/ops/invitations/accept',
      headers: { cookie: before.cookie },
      payload: { token, password: 'after-password-1' },
    });
    expect(res.statusCode).toBe(200);
    expect(sessionCookieFrom(res)).not.toBe(before.cookie);
    const old = await t.app.inject({
      method: 'GET',
      url: '/ops/session',
      headers: { cookie: before.cookie },
    });
    expect(old.statusCode).toBe(401);
  });
});
