import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AddMemberResponse, AuditEntry, CreatedKey, listOf } from '@xem/protocol';
import {
  bearer,
  createTestApp,
  expectError,
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

let t: TestApp;
let project: { id: string; slug: string; owner: SeededUser };
let session: Browser;
let ownerKey: { id: string; key: string };

beforeAll(async () => {
  t = await createTestApp();
  project = await seedProject(t);
  session = await login(t.app, project.owner.email, project.owner.password);
  ownerKey = await seedApiKey(t, project.id, project.owner.id);
});
afterAll(() => t.close());

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** One way of calling the API: the dashboard session, or a key under some User-Agent. */
interface Caller {
  name: string;
  call(method: Method, path: string, payload?: object): Promise<LightMyRequestResponse>;
  /** Read in the test, after beforeAll seeded the project. */
  readonly expected: { actor_type: string; actor_id: string; via: string };
}

const REMOTE_IP = '203.0.113.7';

function callers(): Caller[] {
  const keyCall = (ua: string) => (method: Method, path: string, payload?: object) =>
    t.app.inject({
      method,
      url: `/${project.id}/v1/management${path.replace(/^\/(members|invitations)/, '/project/$1')}`,
      headers: { ...bearer(ownerKey.key), 'user-agent': ua },
      remoteAddress: REMOTE_IP,
      ...(payload ? { payload } : {}),
    });
  return [
    {
      name: 'dashboard session (even with a xeroctl User-Agent)',
      call: (method, path, payload) =>
        t.app.inject({
          method,
          url: `/ops/api${path}`,
          headers: { cookie: session.cookie, 'x-csrf-token': session.csrf, 'user-agent': 'xeroctl/9.9.9' },
          remoteAddress: REMOTE_IP,
          ...(payload ? { payload } : {}),
        }),
      get expected() {
        return { actor_type: 'user', actor_id: project.owner.id, via: 'dashboard' };
      },
    },
    {
      name: 'API key',
      call: keyCall('curl/8.0'),
      get expected() {
        return { actor_type: 'api_key', actor_id: ownerKey.id, via: 'api' };
      },
    },
    {
      name: 'API key from xeroctl',
      call: keyCall('xeroctl/0.1.0 (linux)'),
      get expected() {
        return { actor_type: 'api_key', actor_id: ownerKey.id, via: 'cli' };
      },
    },
  ];
}

async function auditOf(res: LightMyRequestResponse) {
  const requestId = res.headers['x-request-id'];
  expect(requestId).toBeTruthy();
  return t.deps.db
    .selectFrom('audit_log')
    .selectAll()
    .where('request_id', '=', String(requestId))
    .orderBy('seq')
    .execute();
}

describe('every state change writes one audit row with who, how, where and what', () => {
  for (const c of callers()) {
    it(`via ${c.name}`, async () => {
      const run = async (method: Method, path: string, payload?: object) => {
        const res = await c.call(method, path, payload);
        expect(res.statusCode, `${method} ${path}: ${res.body}`).toBeLessThan(300);
        return res;
      };
      const audited = async (res: LightMyRequestResponse, action: string, targetId: string) => {
        const rows = await auditOf(res);
        expect(rows.map((r) => r.action)).toEqual([action]);
        expect(rows[0]).toMatchObject({
          project_id: project.id,
          outcome: 'success',
          target_id: targetId,
          ip: REMOTE_IP,
          ...c.expected,
        });
        return rows[0]!;
      };

      let res = await run('POST', '/keys', { name: 'audited', scopes: ['execution'] });
      const created = CreatedKey.parse(res.json());
      let row = await audited(res, 'api_key.create', created.api_key.id);
      expect(row.before).toBeNull();
      expect(row.after).toMatchObject({ id: created.api_key.id, name: 'audited', scopes: ['execution'] });

      res = await run('POST', `/keys/${created.api_key.id}/rotate`, { grace_period_hours: 1 });
      const rotated = CreatedKey.parse(res.json());
      row = await audited(res, 'api_key.rotate', created.api_key.id);
      expect(row.before).toMatchObject({ id: created.api_key.id, expires_at: null });
      expect(row.after).toMatchObject({ new: { id: rotated.api_key.id }, grace_period_hours: 1 });

      res = await run('POST', `/keys/${rotated.api_key.id}/revoke`);
      row = await audited(res, 'api_key.revoke', rotated.api_key.id);
      expect(row.before).toMatchObject({ id: rotated.api_key.id, revoked_at: null });
      expect((row.after as { revoked_at: string | null }).revoked_at).not.toBeNull();

      const user = await seedUser(t);
      res = await run('POST', '/members', { email: user.email });
      row = await audited(res, 'member.add', user.id);
      expect(row.after).toMatchObject({ user_id: user.id, email: user.email, role: 'member' });

      res = await run('PATCH', `/members/${user.id}`, { role: 'owner' });
      row = await audited(res, 'member.set_role', user.id);
      expect(row.before).toMatchObject({ user_id: user.id, role: 'member' });
      expect(row.after).toMatchObject({ user_id: user.id, role: 'owner' });

      res = await run('DELETE', `/members/${user.id}`);
      row = await audited(res, 'member.remove', user.id);
      expect(row.before).toMatchObject({ user_id: user.id, role: 'owner' });

      const email = `inv-${user.id}@example.test`;
      res = await run('POST', '/members', { email });
      const invitation = AddMemberResponse.parse(res.json()).invitation!;
      row = await audited(res, 'invitation.create', invitation.id);
      expect(row.after).toMatchObject({ id: invitation.id, email, role: 'member' });

      res = await run('DELETE', `/invitations/${invitation.id}`);
      row = await audited(res, 'invitation.revoke', invitation.id);
      expect(row.before).toMatchObject({ id: invitation.id, email });
    });
  }

  it('keeps a sane caller-supplied X-Request-ID and records it', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/${project.id}/v1/management/keys`,
      headers: { ...bearer(ownerKey.key), 'x-request-id': 'trace-42.abc' },
      payload: { name: 'traced', scopes: ['execution'] },
    });
    expect(res.headers['x-request-id']).toBe('trace-42.abc');
    expect((await auditOf(res)).map((r) => r.action)).toEqual(['api_key.create']);
  });

  it('records the peer address, not a spoofable X-Forwarded-For (XEM_TRUST_PROXY is off)', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/${project.id}/v1/management/keys`,
      headers: { ...bearer(ownerKey.key), 'x-forwarded-for': '198.51.100.9' },
      remoteAddress: REMOTE_IP,
      payload: { name: 'forwarded', scopes: ['execution'] },
    });
    expect(await auditOf(res)).toMatchObject([{ action: 'api_key.create', ip: REMOTE_IP }]);
  });

  it('records refused attempts as denied: wrong scope and cross-project access', async () => {
    const exec = await seedApiKey(t, project.id, project.owner.id, ['execution']);
    const scope = await t.app.inject({
      method: 'POST',
      url: `/${project.id}/v1/management/keys`,
      headers: bearer(exec.key),
      payload: { name: 'x', scopes: ['management'] },
    });
    expectError(scope, 403, 'scope_insufficient');
    const other = await seedProject(t);
    const cross = await t.app.inject({
      method: 'DELETE',
      url: `/${other.id}/v1/management/project/members/${other.owner.id}`,
      headers: bearer(ownerKey.key),
      remoteAddress: REMOTE_IP,
    });
    expectError(cross, 403, 'cross_project_access');
    expect(await auditOf(scope)).toMatchObject([
      {
        project_id: project.id,
        action: 'auth.scope_refused',
        outcome: 'denied',
        actor_id: exec.id,
        via: 'api',
      },
    ]);
    expect(await auditOf(cross)).toMatchObject([
      {
        project_id: project.id,
        action: 'auth.cross_project_access',
        outcome: 'denied',
        actor_id: ownerKey.id,
        target_id: other.id,
        ip: REMOTE_IP,
      },
    ]);
    const listed = await t.app.inject({
      method: 'GET',
      url: `/${project.id}/v1/management/audit?outcome=denied`,
      headers: bearer(ownerKey.key),
    });
    const requestIds = listOf(AuditEntry)
      .parse(listed.json())
      .data.map((e) => e.request_id);
    expect(requestIds).toEqual(
      expect.arrayContaining([scope.headers['x-request-id'], cross.headers['x-request-id']]),
    );
  });
});

describe('permission refusals by a handler are audited as denied', () => {
  it('owner_required (a member with a management key) and admin_required (a non-admin owner)', async () => {
    const member = await seedUser(t);
    await seedMembership(t, project.id, member.id, 'member');
    const memberKey = await seedApiKey(t, project.id, member.id, ['management']);
    const refused = await t.app.inject({
      method: 'DELETE',
      url: `/${project.id}/v1/management/project/members/${project.owner.id}`,
      headers: { ...bearer(memberKey.key), 'user-agent': 'xeroctl/0.1.0' },
      remoteAddress: REMOTE_IP,
    });
    expectError(refused, 403, 'owner_required');
    expect(await auditOf(refused)).toMatchObject([
      {
        project_id: project.id,
        action: 'auth.permission_refused',
        outcome: 'denied',
        actor_type: 'api_key',
        actor_id: memberKey.id,
        via: 'cli',
        ip: REMOTE_IP,
        target_id: 'DELETE /:project_id/v1/management/project/members/:user_id',
        after: { code: 'owner_required' },
      },
    ]);

    const adminOnly = await t.app.inject({
      method: 'POST',
      url: `/${project.id}/v1/management/project/members`,
      headers: bearer(ownerKey.key),
      payload: { email: 'with-password@example.test', initial_password: 'initial-pass-123' },
    });
    expectError(adminOnly, 403, 'admin_required');
    expect(await auditOf(adminOnly)).toMatchObject([
      {
        action: 'auth.permission_refused',
        outcome: 'denied',
        actor_id: ownerKey.id,
        after: { code: 'admin_required' },
      },
    ]);

    // Other errors (validation, not found, conflicts) are not refusals and write nothing.
    const missing = await t.app.inject({
      method: 'DELETE',
      url: `/${project.id}/v1/management/project/members/usr_nobody`,
      headers: bearer(ownerKey.key),
    });
    expectError(missing, 404, 'not_found');
    expect(await auditOf(missing)).toEqual([]);
  });
});

describe('the audit log is append-only in the database', () => {
  it('refuses UPDATE, DELETE and TRUNCATE, whoever asks', async () => {
    const before = await t.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('project_id')
      .orderBy('seq')
      .execute();
    expect(before.length).toBeGreaterThan(0);
    await expect(
      sql`UPDATE audit_log SET action = 'nothing.happened' WHERE project_id = ${project.id}`.execute(
        t.deps.db,
      ),
    ).rejects.toThrow(/append-only/);
    await expect(
      sql`DELETE FROM audit_log WHERE project_id = ${project.id}`.execute(t.deps.db),
    ).rejects.toThrow(/append-only/);
    await expect(t.database.pool.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(t.database.pool.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    const after = await t.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('project_id')
      .orderBy('seq')
      .execute();
    expect(after).toEqual(before);
  });
});

describe('reading the audit log', () => {
  it('is for owners: a member gets 403 owner_required', async () => {
    const member = await seedUser(t);
    await seedMembership(t, project.id, member.id, 'member');
    const key = await seedApiKey(t, project.id, member.id, ['management']);
    for (const path of ['', '/verify']) {
      const res = await t.app.inject({
        method: 'GET',
        url: `/${project.id}/v1/management/audit${path}`,
        headers: bearer(key.key),
      });
      expectError(res, 403, 'owner_required');
    }
    const s = await login(t.app, member.email, member.password);
    expectError(await opsRequest(t.app, s, 'GET', '/ops/api/audit'), 403, 'owner_required');
  });
});
