import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddMemberResponse, Invitation, listOf, Member } from '@xem/protocol';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  bearer,
  createTestApp,
  expectError,
  login,
  opsRequest,
  seedApiKey,
  seedMembership,
  seedUser,
  type Browser,
  type TestApp,
} from '../../test/test-app';

const BASE_URL = 'https://xem.example.test';

let t: TestApp;
let admin: Browser;
let adminKey: string;
let mgmt: string;

beforeAll(async () => {
  t = await createTestApp({ XEM_BASE_URL: `${BASE_URL}/` });
  admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  adminKey = (await seedApiKey(t, t.projectId, admin.userId)).key;
  mgmt = `/${t.projectId}/v1/management/project`;
});
afterAll(() => t.close());

const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, key = adminKey) =>
  t.app.inject({ method, url: `${mgmt}${url}`, headers: bearer(key), ...(payload ? { payload } : {}) });

async function members(): Promise<Member[]> {
  const res = await api('GET', '/members');
  expect(res.statusCode).toBe(200);
  return listOf(Member).parse(res.json()).data;
}

async function role(userId: string): Promise<string | undefined> {
  const row = await t.deps.db
    .selectFrom('memberships')
    .select('role')
    .where('project_id', '=', t.projectId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.role;
}

async function eventsOf(type: string, userId: string) {
  const rows = await t.deps.db
    .selectFrom('events')
    .selectAll()
    .where('project_id', '=', t.projectId)
    .where('type', '=', type)
    .execute();
  return rows.filter((e) => (e.payload as { user_id?: string }).user_id === userId);
}

describe('listing members', () => {
  it('lists members with their role, by key and by session', async () => {
    const list = await members();
    expect(list).toContainEqual(
      expect.objectContaining({ user_id: admin.userId, email: ADMIN_EMAIL, role: 'owner' }),
    );
    const viaSession = await opsRequest(t.app, admin, 'GET', '/ops/api/members');
    expect(listOf(Member).parse(viaSession.json()).data).toEqual(list);
  });
});

describe('adding members', () => {
  it('adds an existing user at once as a member (e-mail matched case-insensitively)', async () => {
    const user = await seedUser(t);
    const res = await api('POST', '/members', { email: user.email.toUpperCase() });
    expect(res.statusCode, res.body).toBe(201);
    const body = AddMemberResponse.parse(res.json());
    expect(body).toMatchObject({ invitation: null, invite_url: null });
    expect(body.member).toMatchObject({ user_id: user.id, email: user.email, role: 'member' });
    expect(await role(user.id)).toBe('member');
    expect((await members()).map((m) => m.user_id)).toContain(user.id);
    expect(await eventsOf('member.added', user.id)).toHaveLength(1);
  });

  it('refuses to add someone twice (409 already_member) and changes nothing', async () => {
    const user = await seedUser(t);
    expect((await api('POST', '/members', { email: user.email, role: 'owner' })).statusCode).toBe(201);
    const again = await api('POST', '/members', { email: user.email, role: 'member' });
    expect(expectError(again, 409, 'already_member').error.param).toBe('email');
    expect(await role(user.id)).toBe('owner');
    const audits = await t.deps.db
      .selectFrom('audit_log')
      .select('seq')
      .where('action', '=', 'member.add')
      .where('target_id', '=', user.id)
      .execute();
    expect(audits).toHaveLength(1);
  });

  it('invites an unknown e-mail: a pending invitation and a one-time URL under XEM_BASE_URL, no user', async () => {
    const email = 'Newcomer@Example.test';
    const res = await api('POST', '/members', { email, role: 'owner' });
    expect(res.statusCode, res.body).toBe(201);
    const body = AddMemberResponse.parse(res.json());
    expect(body.member).toBeNull();
    expect(body.invitation).toMatchObject({
      email: 'newcomer@example.test',
      role: 'owner',
      invited_by: admin.userId,
    });
    const url = body.invite_url!;
    expect(url).toMatch(
      new RegExp(`^${BASE_URL.replace(/\./g, '\\.')}/ops/invitations/accept\\?token=[a-z0-9]{43}$`),
    );
    const token = new URL(url).searchParams.get('token')!;

    expect(
      await t.deps.db.selectFrom('users').select('id').where('email', '=', 'newcomer@example.test').execute(),
    ).toEqual([]);
    const { rows } = await t.database.pool.query('SELECT * FROM invitations WHERE id = $1', [
      body.invitation!.id,
    ]);
    expect(rows[0].token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(rows[0])).not.toContain(token);
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'after'])
      .where('request_id', '=', String(res.headers['x-request-id']))
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['invitation.create']);
    expect(JSON.stringify(audit)).not.toContain(token);

    const listed = await api('GET', '/invitations');
    expect(
      listOf(Invitation)
        .parse(listed.json())
        .data.map((i) => i.id),
    ).toContain(body.invitation!.id);
  });

  it('revokes a pending invitation once; a second revoke is 404', async () => {
    const inv = AddMemberResponse.parse(
      (await api('POST', '/members', { email: 'revokee@example.test' })).json(),
    );
    const id = inv.invitation!.id;
    const res = await api('DELETE', `/invitations/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ ok: true });
    const listed = listOf(Invitation).parse((await api('GET', '/invitations')).json());
    expect(listed.data.map((i) => i.id)).not.toContain(id);
    expectError(await api('DELETE', `/invitations/${id}`), 404, 'not_found');
    const accept = await t.app.inject({
      method: 'POST',
      url: '/ops/invitations/accept',
      payload: { token: new URL(inv.invite_url!).searchParams.get('token'), password: 'a-good-password-1' },
    });
    expectError(accept, 400, 'invitation_invalid');
  });

  it('refuses a bad role or e-mail with invalid_body naming the field', async () => {
    expect(
      expectError(
        await api('POST', '/members', { email: 'x@example.test', role: 'root' }),
        400,
        'invalid_body',
      ).error.param,
    ).toBe('role');
    expect(
      expectError(await api('POST', '/members', { email: 'not an email' }), 400, 'invalid_body').error.param,
    ).toBe('email');
  });
});

describe('initial passwords', () => {
  it('are for admins only: a non-admin owner gets 403 admin_required and no user is created', async () => {
    const owner = await seedUser(t);
    await seedMembership(t, t.projectId, owner.id, 'owner');
    const { key } = await seedApiKey(t, t.projectId, owner.id);
    const payload = { email: 'pw-user@example.test', initial_password: 'initial-pass-123' };
    const res = await api('POST', '/members', payload, key);
    expect(expectError(res, 403, 'admin_required').error.param).toBe('initial_password');
    expect(
      await t.deps.db.selectFrom('users').select('id').where('email', '=', payload.email).execute(),
    ).toEqual([]);
    // Without the password the same owner may invite.
    expect((await api('POST', '/members', { email: payload.email }, key)).statusCode).toBe(201);
  });

  it('let an admin create the user, who must change the password at first sign-in', async () => {
    const payload = { email: 'admin-made@example.test', initial_password: 'initial-pass-123' };
    const res = await api('POST', '/members', payload);
    expect(res.statusCode, res.body).toBe(201);
    const body = AddMemberResponse.parse(res.json());
    expect(body.member).toMatchObject({ email: payload.email, role: 'member' });
    const user = await t.deps.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', payload.email)
      .executeTakeFirstOrThrow();
    expect(user.must_change_password).toBe(true);
    expect(user.password_hash).not.toContain(payload.initial_password);
    const session = await login(t.app, payload.email, payload.initial_password);
    expectError(await opsRequest(t.app, session, 'GET', '/ops/api/members'), 403, 'password_change_required');
  });
});

describe('changing roles and removing members', () => {
  it('sets a role: member.set_role audited with before/after, member.role_changed event, sessions ended', async () => {
    const user = await seedUser(t);
    await seedMembership(t, t.projectId, user.id, 'member');
    const session = await login(t.app, user.email, user.password);
    const res = await api('PATCH', `/members/${user.id}`, { role: 'owner' });
    expect(res.statusCode, res.body).toBe(200);
    expect(Member.parse(res.json())).toMatchObject({ user_id: user.id, role: 'owner' });
    expect(await role(user.id)).toBe('owner');
    expect((await eventsOf('member.role_changed', user.id)).map((e) => e.payload)).toEqual([
      { user_id: user.id, role: 'owner' },
    ]);
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('request_id', '=', String(res.headers['x-request-id']))
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ action: 'member.set_role', target_id: user.id });
    expect(audit.before).toMatchObject({ role: 'member' });
    expect(audit.after).toMatchObject({ role: 'owner', sessions_ended: 1 });
    expectError(await opsRequest(t.app, session, 'GET', '/ops/session'), 401, 'session_expired');

    // Setting the role it already has changes nothing and emits nothing.
    expect((await api('PATCH', `/members/${user.id}`, { role: 'owner' })).statusCode).toBe(200);
    expect(await eventsOf('member.role_changed', user.id)).toHaveLength(1);
  });

  it('removes a member: member.remove audited, member.removed event, sessions ended; then 404', async () => {
    const user = await seedUser(t);
    await seedMembership(t, t.projectId, user.id, 'owner');
    const session = await login(t.app, user.email, user.password);
    const res = await api('DELETE', `/members/${user.id}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual({ ok: true });
    expect(await role(user.id)).toBeUndefined();
    expect((await members()).map((m) => m.user_id)).not.toContain(user.id);
    expect((await eventsOf('member.removed', user.id)).map((e) => e.payload)).toEqual([{ user_id: user.id }]);
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('request_id', '=', String(res.headers['x-request-id']))
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ action: 'member.remove', target_id: user.id });
    expect(audit.before).toMatchObject({ user_id: user.id, role: 'owner' });
    expectError(await opsRequest(t.app, session, 'GET', '/ops/session'), 401, 'session_expired');
    expectError(await api('DELETE', `/members/${user.id}`), 404, 'not_found');
    expectError(await api('PATCH', `/members/${user.id}`, { role: 'owner' }), 404, 'not_found');
    // The user account itself survives.
    expect(await t.deps.db.selectFrom('users').select('id').where('id', '=', user.id).execute()).toHaveLength(
      1,
    );
  });
});

describe('members cannot manage members', () => {
  it('by session or by management key: every change is 403 owner_required and nothing changes', async () => {
    const member = await seedUser(t);
    await seedMembership(t, t.projectId, member.id, 'member');
    const peer = await seedUser(t);
    await seedMembership(t, t.projectId, peer.id, 'member');
    const inv = AddMemberResponse.parse(
      (await api('POST', '/members', { email: 'pending@example.test' })).json(),
    );
    const session = await login(t.app, member.email, member.password);
    const { key } = await seedApiKey(t, t.projectId, member.id, ['management']);
    const newcomer = await seedUser(t);
    const attempts: Array<['POST' | 'PATCH' | 'DELETE' | 'GET', string, object?]> = [
      ['POST', '/members', { email: newcomer.email }],
      ['POST', '/members', { email: 'stranger@example.test' }],
      ['PATCH', `/members/${member.id}`, { role: 'owner' }],
      ['PATCH', `/members/${admin.userId}`, { role: 'member' }],
      ['DELETE', `/members/${peer.id}`],
      ['DELETE', `/members/${admin.userId}`],
      ['GET', '/invitations'],
      ['DELETE', `/invitations/${inv.invitation!.id}`],
    ];
    const before = await t.deps.db.selectFrom('memberships').selectAll().orderBy('user_id').execute();
    for (const [method, url, payload] of attempts) {
      expectError(await opsRequest(t.app, session, method, `/ops/api${url}`, payload), 403, 'owner_required');
      expectError(await api(method, url, payload, key), 403, 'owner_required');
    }
    expect(await t.deps.db.selectFrom('memberships').selectAll().orderBy('user_id').execute()).toEqual(
      before,
    );
    const listed = listOf(Invitation).parse((await api('GET', '/invitations')).json());
    expect(listed.data.map((i) => i.id)).toContain(inv.invitation!.id);
    // Listing members is allowed to every member.
    expect((await opsRequest(t.app, session, 'GET', '/ops/api/members')).statusCode).toBe(200);
  });
});
