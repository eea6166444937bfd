import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Delegation, listOf } from '@xem/protocol';
import {
  bearer,
  expectError,
  createTestApp,
  login,
  opsRequest,
  seedApiKey,
  seedMembership,
  seedProject,
  seedUser,
  type Browser,
  type SeededUser,
  type TestApp,
} from '../../test/test-app';
import { delegatedTiers } from './delegated-tiers';

let t: TestApp;
let projectId: string;
let owner: SeededUser;
let ownerKey: string;
let ownerSession: Browser;

beforeAll(async () => {
  t = await createTestApp();
  const p = await seedProject(t);
  projectId = p.id;
  owner = p.owner;
  ownerKey = (await seedApiKey(t, p.id, owner.id)).key;
  ownerSession = await login(t.app, owner.email, owner.password);
});
afterAll(() => t.close());

const base = () => `/${projectId}/v1/management/project/delegations`;

const api = (method: 'GET' | 'POST' | 'DELETE', path = '', payload?: object, key = ownerKey) =>
  t.app.inject({ method, url: `${base()}${path}`, headers: bearer(key), ...(payload ? { payload } : {}) });

async function newMember(pid = projectId): Promise<SeededUser> {
  const u = await seedUser(t);
  await seedMembership(t, pid, u.id, 'member');
  return u;
}

async function grant(body: object, key = ownerKey): Promise<Delegation> {
  const res = await api('POST', '', body, key);
  expect(res.statusCode, res.body).toBe(201);
  return Delegation.parse(res.json());
}

async function list(query = '', key = ownerKey): Promise<Delegation[]> {
  const res = await api('GET', query, undefined, key);
  expect(res.statusCode, res.body).toBe(200);
  return listOf(Delegation).parse(res.json()).data;
}

/** A time `interval` away from the database clock, as RFC 3339. */
async function dbTime(interval: string): Promise<string> {
  const { rows } = await sql<{ at: Date }>`SELECT now() + ${interval}::interval AS at`.execute(t.deps.db);
  return rows[0]!.at.toISOString();
}

async function auditOf(action: string, targetId: string) {
  return t.deps.db
    .selectFrom('audit_log')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('action', '=', action)
    .where('target_id', '=', targetId)
    .orderBy('seq')
    .execute();
}

async function eventsOf(type: string, id: string) {
  const rows = await t.deps.db
    .selectFrom('events')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('type', '=', type)
    .execute();
  return rows.filter((e) => (e.payload as { id?: string }).id === id);
}

describe('granting, listing and revoking with an API key', () => {
  it('grants a member a tier: 201, listed as active, audited and recorded as an event', async () => {
    const m = await newMember();
    const until = await dbTime('2 hours');
    const d = await grant({ user_id: m.id, tier: 'destructive', expires_at: until });
    expect(d).toMatchObject({
      id: expect.stringMatching(/^dlg_/),
      user_id: m.id,
      email: m.email,
      tier: 'destructive',
      expires_at: until,
      granted_by: owner.id,
      revoked_at: null,
      revoked_by: null,
      active: true,
    });
    expect(await list()).toContainEqual(d);
    const audit = await auditOf('delegation.grant', d.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor_type: 'api_key', via: 'api', outcome: 'success' });
    expect(audit[0]!.after).toMatchObject({ user_id: m.id, tier: 'destructive' });
    expect(await eventsOf('delegation.granted', d.id)).toHaveLength(1);
    expect(await delegatedTiers(t.deps.db, projectId, m.id)).toEqual(new Set(['destructive']));
  });

  it('grants without expires_at until revoked; revoke takes effect on the very next check', async () => {
    const m = await newMember();
    const d = await grant({ user_id: m.id, tier: 'irreversible' });
    expect(d.expires_at).toBeNull();
    expect(await delegatedTiers(t.deps.db, projectId, m.id)).toEqual(
      new Set(['destructive', 'irreversible']),
    );

    const res = await api('DELETE', `/${d.id}`);
    expect(res.statusCode, res.body).toBe(200);
    const revoked = Delegation.parse(res.json());
    expect(revoked).toMatchObject({ id: d.id, active: false, revoked_by: owner.id });
    expect(revoked.revoked_at).not.toBeNull();
    expect(await delegatedTiers(t.deps.db, projectId, m.id)).toEqual(new Set());
    expect(await auditOf('delegation.revoke', d.id)).toHaveLength(1);
    expect(await eventsOf('delegation.revoked', d.id)).toHaveLength(1);

    // Revoking again changes nothing and records nothing.
    const again = await api('DELETE', `/${d.id}`);
    expect(again.statusCode).toBe(200);
    expect(Delegation.parse(again.json())).toEqual(revoked);
    expect(await auditOf('delegation.revoke', d.id)).toHaveLength(1);

    // With the old one revoked, the same tier can be granted again.
    const fresh = await grant({ user_id: m.id, tier: 'irreversible' });
    expect(fresh.id).not.toBe(d.id);
  });

  it('refuses a second live delegation of the same user and tier with 409 conflict', async () => {
    const m = await newMember();
    const first = await grant({ user_id: m.id, tier: 'destructive' });
    const dup = expectError(await api('POST', '', { user_id: m.id, tier: 'destructive' }), 409, 'conflict');
    expect(dup.error.param).toBe('tier');
    expect(dup.error.message).toContain(first.id);
    // Another tier is a separate grant.
    await grant({ user_id: m.id, tier: 'irreversible' });
    // An expired one no longer blocks a new grant.
    await t.deps.db
      .updateTable('delegations')
      .set({ expires_at: sql<Date>`now() - interval '1 second'` })
      .where('id', '=', first.id)
      .execute();
    await grant({ user_id: m.id, tier: 'destructive' });
  });

  it('pages newest first and filters by user, tier and liveness', async () => {
    const m = await newMember();
    const a = await grant({ user_id: m.id, tier: 'destructive' });
    const b = await grant({ user_id: m.id, tier: 'irreversible' });
    await api('DELETE', `/${a.id}`);
    expect((await list(`?user_id=${m.id}`)).map((d) => d.id)).toEqual([b.id, a.id]);
    expect((await list(`?user_id=${m.id}&active=true`)).map((d) => d.id)).toEqual([b.id]);
    expect((await list(`?user_id=${m.id}&active=false`)).map((d) => d.id)).toEqual([a.id]);
    expect((await list(`?user_id=${m.id}&tier=destructive`)).map((d) => d.id)).toEqual([a.id]);

    const first = await api('GET', `?user_id=${m.id}&limit=1`);
    const page1 = listOf(Delegation).parse(first.json());
    expect(page1.data.map((d) => d.id)).toEqual([b.id]);
    const second = await api('GET', `?user_id=${m.id}&limit=1&cursor=${page1.next_cursor}`);
    const page2 = listOf(Delegation).parse(second.json());
    expect(page2.data.map((d) => d.id)).toEqual([a.id]);
    expect(page2.next_cursor).toBeNull();
    expectError(await api('GET', '?cursor=bogus'), 400, 'invalid_query');
  });
});

describe('through the dashboard session (/ops/api/delegations)', () => {
  it('an owner grants and revokes; a member lists but cannot grant or revoke', async () => {
    const m = await newMember();
    const res = await opsRequest(t.app, ownerSession, 'POST', '/ops/api/delegations', {
      user_id: m.id,
      tier: 'destructive',
    });
    expect(res.statusCode, res.body).toBe(201);
    const d = Delegation.parse(res.json());
    const audit = await auditOf('delegation.grant', d.id);
    expect(audit[0]).toMatchObject({ actor_type: 'user', actor_id: owner.id, via: 'dashboard' });

    const memberSession = await login(t.app, m.email, m.password);
    const listed = await opsRequest(t.app, memberSession, 'GET', '/ops/api/delegations');
    expect(listed.statusCode, listed.body).toBe(200);
    expect(
      listOf(Delegation)
        .parse(listed.json())
        .data.map((x) => x.id),
    ).toContain(d.id);

    const other = await newMember();
    expectError(
      await opsRequest(t.app, memberSession, 'POST', '/ops/api/delegations', {
        user_id: other.id,
        tier: 'destructive',
      }),
      403,
      'owner_required',
    );
    expectError(
      await opsRequest(t.app, memberSession, 'DELETE', `/ops/api/delegations/${d.id}`),
      403,
      'owner_required',
    );

    const revoked = await opsRequest(t.app, ownerSession, 'DELETE', `/ops/api/delegations/${d.id}`);
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(Delegation.parse(revoked.json()).active).toBe(false);
  });
});

describe('one hop: only owners grant', () => {
  it('a delegate cannot grant, not even their own tier, by session or by a management key: 403 owner_required, audited', async () => {
    const delegate = await newMember();
    await grant({ user_id: delegate.id, tier: 'irreversible' });
    // A key with the management scope whose creator is now only a member (e.g. demoted since).
    const delegateKey = (await seedApiKey(t, projectId, delegate.id, ['management'])).key;
    const target = await newMember();
    for (const tier of ['destructive', 'irreversible']) {
      const res = await api('POST', '', { user_id: target.id, tier }, delegateKey);
      expectError(res, 403, 'owner_required');
      const refused = await t.deps.db
        .selectFrom('audit_log')
        .selectAll()
        .where('request_id', '=', String(res.headers['x-request-id']))
        .execute();
      expect(refused).toHaveLength(1);
      expect(refused[0]).toMatchObject({ action: 'auth.permission_refused', outcome: 'denied' });
    }
    const session = await login(t.app, delegate.email, delegate.password);
    expectError(
      await opsRequest(t.app, session, 'POST', '/ops/api/delegations', {
        user_id: target.id,
        tier: 'destructive',
      }),
      403,
      'owner_required',
    );
    expect(await list(`?user_id=${target.id}`)).toEqual([]);
    // Listing is open to members.
    expect((await list('', delegateKey)).length).toBeGreaterThan(0);
  });

  it('an admin who is not a member of the project may grant (admins count as owners)', async () => {
    const admin = await seedUser(t, { isAdmin: true });
    const adminKey = (await seedApiKey(t, projectId, admin.id)).key;
    const m = await newMember();
    const d = await grant({ user_id: m.id, tier: 'destructive' }, adminKey);
    expect(d.granted_by).toBe(admin.id);
  });
});

describe('who can be a grantee', () => {
  it('refuses an owner, and an admin member, with 409 conflict naming user_id', async () => {
    const second = await seedUser(t);
    await seedMembership(t, projectId, second.id, 'owner');
    const o = expectError(
      await api('POST', '', { user_id: second.id, tier: 'destructive' }),
      409,
      'conflict',
    );
    expect(o.error.param).toBe('user_id');
    expect(o.error.message).toContain('owner');
    const self = expectError(
      await api('POST', '', { user_id: owner.id, tier: 'irreversible' }),
      409,
      'conflict',
    );
    expect(self.error.param).toBe('user_id');

    const admin = await seedUser(t, { isAdmin: true });
    await seedMembership(t, projectId, admin.id, 'member');
    const a = expectError(await api('POST', '', { user_id: admin.id, tier: 'destructive' }), 409, 'conflict');
    expect(a.error.message).toContain('admin');
  });

  it('refuses a user who is not a member with 404 not_found naming user_id', async () => {
    const outsider = await seedUser(t);
    for (const user_id of [outsider.id, 'usr_doesnotexist']) {
      const res = expectError(await api('POST', '', { user_id, tier: 'destructive' }), 404, 'not_found');
      expect(res.error.param).toBe('user_id');
      expect(res.error.message).toContain(user_id);
    }
  });
});

describe('validation', () => {
  it('refuses malformed bodies with 400 invalid_body naming the field', async () => {
    const m = await newMember();
    const cases: Array<[object, string]> = [
      [{ tier: 'destructive' }, 'user_id'],
      [{ user_id: m.id, tier: 'write' }, 'tier'],
      [{ user_id: m.id }, 'tier'],
      [{ user_id: m.id, tier: 'destructive', expires_at: 'tomorrow' }, 'expires_at'],
      [{ user_id: m.id, tier: 'destructive', expires_at: '2030-01-01T00:00:00' }, 'expires_at'],
      [{ user_id: 5, tier: 'destructive' }, 'user_id'],
    ];
    for (const [body, param] of cases) {
      const res = expectError(await api('POST', '', body), 400, 'invalid_body');
      expect(res.error.param, JSON.stringify(body)).toBe(param);
    }
    expectError(await api('POST', '', { user_id: m.id, tier: 'destructive', extra: 1 }), 400, 'invalid_body');
    expectError(await api('GET', '?tier=write'), 400, 'invalid_query');
    expectError(await api('GET', '?active=yes'), 400, 'invalid_query');
    expect(await list(`?user_id=${m.id}`)).toEqual([]);
  });

  it('refuses expires_at at or before the database clock with 400 invalid_body', async () => {
    const m = await newMember();
    for (const expires_at of ['2001-01-01T00:00:00Z', await dbTime('-1 second')]) {
      const res = expectError(
        await api('POST', '', { user_id: m.id, tier: 'destructive', expires_at }),
        400,
        'invalid_body',
      );
      expect(res.error.param).toBe('expires_at');
      expect(res.error.message).toContain('not in the future');
    }
  });
});

describe('expiry on the database clock', () => {
  it('stops counting once expires_at has passed, and shows as inactive', async () => {
    const m = await newMember();
    const d = await grant({ user_id: m.id, tier: 'irreversible', expires_at: await dbTime('1 hour') });
    expect(await delegatedTiers(t.deps.db, projectId, m.id)).toEqual(
      new Set(['destructive', 'irreversible']),
    );
    await t.deps.db
      .updateTable('delegations')
      .set({ expires_at: sql<Date>`now() - interval '1 millisecond'` })
      .where('id', '=', d.id)
      .execute();
    expect(await delegatedTiers(t.deps.db, projectId, m.id)).toEqual(new Set());
    const [listed] = await list(`?user_id=${m.id}`);
    expect(listed).toMatchObject({ id: d.id, active: false, revoked_at: null });
    expect(await list(`?user_id=${m.id}&active=true`)).toEqual([]);
  });
});

describe('membership changes end delegations', () => {
  it('removing the member revokes their delegations (audited with the reason); re-adding brings none back', async () => {
    const m = await newMember();
    const d = await grant({ user_id: m.id, tier: 'destructive' });
    const removed = await t.app.inject({
      method: 'DELETE',
      url: `/${projectId}/v1/management/project/members/${m.id}`,
      headers: bearer(ownerKey),
    });
    expect(removed.statusCode, removed.body).toBe(200);
    expect(await delegatedTiers(t.deps.db, projectId, m.id)).toEqual(new Set());
    const [after] = await list(`?user_id=${m.id}`);
    expect(after).toMatchObject({ id: d.id, active: false, revoked_by: owner.id });
    const audit = await auditOf('delegation.revoke', d.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.after).toMatchObject({ reason: 'member_removed' });
    expect(audit[0]!.request_id).toBe(removed.headers['x-request-id']);

    await seedMembership(t, projectId, m.id, 'member');
    expect(await delegatedTiers(t.deps.db, projectId, m.id)).toEqual(new Set());
  });

  it('a role change revokes them too', async () => {
    const m = await newMember();
    const d = await grant({ user_id: m.id, tier: 'irreversible' });
    const patch = (role: string) =>
      t.app.inject({
        method: 'PATCH',
        url: `/${projectId}/v1/management/project/members/${m.id}`,
        headers: bearer(ownerKey),
        payload: { role },
      });
    expect((await patch('owner')).statusCode).toBe(200);
    expect((await patch('member')).statusCode).toBe(200);
    expect(await delegatedTiers(t.deps.db, projectId, m.id)).toEqual(new Set());
    const audit = await auditOf('delegation.revoke', d.id);
    expect(audit.map((a) => (a.after as { reason: string }).reason)).toEqual(['role_changed']);
  });

  it('the authority check itself joins on the current membership, whatever changed it', async () => {
    const m = await newMember();
    const d = await grant({ user_id: m.id, tier: 'destructive' });
    const setRole = (role: 'owner' | 'member') =>
      t.deps.db
        .updateTable('memberships')
        .set({ role })
        .where('project_id', '=', projectId)
        .where('user_id', '=', m.id)
        .execute();
    await setRole('owner');
    expect(await delegatedTiers(t.deps.db, projectId, m.id)).toEqual(new Set());
    expect((await list(`?user_id=${m.id}`))[0]).toMatchObject({ id: d.id, active: false, revoked_at: null });
    await setRole('member');
    await t.deps.db
      .deleteFrom('memberships')
      .where('project_id', '=', projectId)
      .where('user_id', '=', m.id)
      .execute();
    expect(await delegatedTiers(t.deps.db, projectId, m.id)).toEqual(new Set());
  });
});

describe('another project', () => {
  it("another project's delegations and members are 404 and invisible", async () => {
    const other = await seedProject(t);
    const otherKey = (await seedApiKey(t, other.id, other.owner.id)).key;
    const otherMember = await newMember(other.id);
    const res = await t.app.inject({
      method: 'POST',
      url: `/${other.id}/v1/management/project/delegations`,
      headers: bearer(otherKey),
      payload: { user_id: otherMember.id, tier: 'destructive' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const theirs = Delegation.parse(res.json());

    expectError(await api('DELETE', `/${theirs.id}`), 404, 'not_found');
    expectError(
      await opsRequest(t.app, ownerSession, 'DELETE', `/ops/api/delegations/${theirs.id}`),
      404,
      'not_found',
    );
    expectError(await api('POST', '', { user_id: otherMember.id, tier: 'destructive' }), 404, 'not_found');
    expect((await list()).map((d) => d.id)).not.toContain(theirs.id);
    expect(await list(`?user_id=${otherMember.id}`)).toEqual([]);
    expect(await delegatedTiers(t.deps.db, projectId, otherMember.id)).toEqual(new Set());
    // Still live in its own project.
    expect(await delegatedTiers(t.deps.db, other.id, otherMember.id)).toEqual(new Set(['destructive']));
  });
});
