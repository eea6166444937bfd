import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../ids';
import { insertProject } from '../projects/projects';
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
  expect(url.startsWith(`${t.deps.config.baseUrl}/ops/invitations/accept?token=`)).toBe(true);
  return { id: body.invitation.id, token: new URL(url).searchParams.get('token')! };
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

  it('two invitations for one new e-mail accepted at once: one creates the account, the other is refused cleanly', async () => {
    const a = await invite('double@example.test');
    const second = await insertProject(t.deps.db, 'second-project', 'Second');
    const tokenB = 'second-project-invitation-token-0123456789';
    await t.deps.db
      .insertInto('invitations')
      .values({
        id: 'inv_secondproject0000001',
        project_id: second.id,
        email: 'double@example.test',
        role: 'member',
        token_hash: sha256Hex(tokenB),
        expires_at: sql<Date>`now() + interval '1 hour'`,
      })
      .execute();
    const results = await Promise.all([
      accept(a.token, 'double-password-1'),
      accept(tokenB, 'double-password-1'),
    ]);
    for (const r of results) expect([200, 409], r.body).toContain(r.statusCode);
    expect(results.some((r) => r.statusCode === 200)).toBe(true);
    const users = await t.deps.db
      .selectFrom('users')
      .select('id')
      .where('email', '=', 'double@example.test')
      .execute();
    expect(users).toHaveLength(1);

    // A refused accept left its invitation usable: trying again with the account's password joins.
    for (const [i, token] of [a.token, tokenB].entries()) {
      if (results[i]!.statusCode === 409)
        expect((await accept(token, 'double-password-1')).statusCode).toBe(200);
    }
    const projects = await t.deps.db
      .selectFrom('memberships')
      .select('project_id')
      .where('user_id', '=', users[0]!.id)
      .execute();
    expect(projects.map((p) => p.project_id).sort()).toEqual([t.projectId, second.id].sort());
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

  it('throttles password guesses for an existing account like sign-in does', async () => {
    const { token } = await invite('guessed@example.test');
    await seedUser(t, { email: 'guessed@example.test', password: 'guessed-password-1' });
    const max = t.deps.config.login.maxFailuresPerAccount;
    for (let i = 0; i < max; i++) {
      const res = await accept(token, `guess-number-${i}-x`);
      expect(res.statusCode).toBe(401);
    }
    const blocked = await accept(token, 'guessed-password-1');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error.code).toBe('rate_limited');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    const denied = await t.deps.db
      .selectFrom('audit_log')
      .select('action')
      .where('project_id', '=', 'system')
      .where('outcome', '=', 'denied')
      .where('target_id', '=', 'guessed@example.test')
      .execute();
    expect(denied.length).toBe(max + 1);
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
