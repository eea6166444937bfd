import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, CreatedKey, listOf } from '@xem/protocol';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  bearer,
  createTestApp,
  expectError,
  login,
  opsRequest,
  seedMembership,
  seedUser,
  type Browser,
  type TestApp,
} from '../../test/test-app';

let t: TestApp;
let admin: Browser;
let keysUrl: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  keysUrl = `/${t.projectId}/v1/management/keys`;
});
afterAll(() => t.close());

async function newKey(b: Browser, body: Record<string, unknown> = {}): Promise<CreatedKey> {
  const res = await opsRequest(t.app, b, 'POST', '/ops/api/keys', {
    name: 'k',
    scopes: ['management'],
    ...body,
  });
  expect(res.statusCode, res.body).toBe(201);
  return CreatedKey.parse(res.json());
}

const use = (key: string) => t.app.inject({ method: 'GET', url: keysUrl, headers: bearer(key) });

async function listed(id: string): Promise<ApiKey> {
  const list = listOf(ApiKey).parse((await opsRequest(t.app, admin, 'GET', '/ops/api/keys')).json());
  return list.data.find((k) => k.id === id)!;
}

const expireNow = (id: string) =>
  t.database.pool.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [id]);

describe('rotating a key', () => {
  it('issues a working successor; the old key works during the grace period and stops after it', async () => {
    const old = await newKey(admin, { name: 'ci', scopes: ['management', 'execution'] });
    const res = await t.app.inject({
      method: 'POST',
      url: `${keysUrl}/${old.api_key.id}/rotate`,
      headers: bearer(old.key),
      payload: { grace_period_hours: 2 },
    });
    expect(res.statusCode, res.body).toBe(201);
    const next = CreatedKey.parse(res.json());
    expect(next.key).toMatch(/^xero_default_[0-9A-Za-z]{43}$/);
    expect(next.key).not.toBe(old.key);
    expect(next.api_key).toMatchObject({ name: 'ci', scopes: ['execution', 'management'], active: true });
    expect(next.api_key.id).not.toBe(old.api_key.id);

    expect((await use(next.key)).statusCode).toBe(200);
    expect((await use(old.key)).statusCode).toBe(200);
    const oldNow = await listed(old.api_key.id);
    expect(oldNow).toMatchObject({ rotated_to: next.api_key.id, active: true, revoked_at: null });
    const graceMs = Date.parse(oldNow.expires_at!) - Date.now();
    expect(graceMs).toBeGreaterThan(2 * 3_600_000 - 120_000);
    expect(graceMs).toBeLessThan(2 * 3_600_000 + 120_000);

    await expireNow(old.api_key.id); // the grace period is over
    expectError(await use(old.key), 401, 'invalid_api_key');
    expect((await use(next.key)).statusCode).toBe(200);

    const audit = await t.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'api_key.rotate')
      .where('target_id', '=', old.api_key.id)
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ request_id: res.headers['x-request-id'], via: 'api', outcome: 'success' });
    expect(audit.after).toMatchObject({ new: { id: next.api_key.id }, grace_period_hours: 2 });
    expect(JSON.stringify(audit)).not.toContain(next.key.slice(-30));
  });

  it('with a grace period of 0 the old key stops at once', async () => {
    const old = await newKey(admin);
    const res = await opsRequest(t.app, admin, 'POST', `/ops/api/keys/${old.api_key.id}/rotate`, {
      grace_period_hours: 0,
    });
    expect(res.statusCode, res.body).toBe(201);
    expectError(await use(old.key), 401, 'invalid_api_key');
    expect((await use(CreatedKey.parse(res.json()).key)).statusCode).toBe(200);
  });

  it('without a body defaults to a 24 hour grace period', async () => {
    const old = await newKey(admin);
    const res = await t.app.inject({
      method: 'POST',
      url: `${keysUrl}/${old.api_key.id}/rotate`,
      headers: bearer(old.key),
    });
    expect(res.statusCode, res.body).toBe(201);
    const graceMs = Date.parse((await listed(old.api_key.id)).expires_at!) - Date.now();
    expect(Math.abs(graceMs - 24 * 3_600_000)).toBeLessThan(120_000);
  });

  it('never extends a key: the old key keeps an earlier expiry and the successor inherits it', async () => {
    const old = await newKey(admin, { expires_in_days: 1 });
    const res = await opsRequest(t.app, admin, 'POST', `/ops/api/keys/${old.api_key.id}/rotate`, {
      grace_period_hours: 720,
    });
    const next = CreatedKey.parse(res.json());
    expect((await listed(old.api_key.id)).expires_at).toBe(old.api_key.expires_at);
    expect(next.api_key.expires_at).toBe(old.api_key.expires_at);
  });

  it('refuses to rotate a key twice, or a revoked key (409 conflict)', async () => {
    const old = await newKey(admin);
    const first = await opsRequest(t.app, admin, 'POST', `/ops/api/keys/${old.api_key.id}/rotate`, {
      grace_period_hours: 1,
    });
    expect(first.statusCode).toBe(201);
    const second = await opsRequest(t.app, admin, 'POST', `/ops/api/keys/${old.api_key.id}/rotate`, {
      grace_period_hours: 1,
    });
    expectError(second, 409, 'conflict');
    const successors = await t.deps.db
      .selectFrom('api_keys')
      .select('id')
      .where('id', '=', CreatedKey.parse(first.json()).api_key.id)
      .execute();
    expect(successors).toHaveLength(1);
    expect((await listed(old.api_key.id)).rotated_to).toBe(CreatedKey.parse(first.json()).api_key.id);

    const revoked = await newKey(admin);
    await opsRequest(t.app, admin, 'POST', `/ops/api/keys/${revoked.api_key.id}/revoke`);
    expectError(
      await opsRequest(t.app, admin, 'POST', `/ops/api/keys/${revoked.api_key.id}/rotate`, {}),
      409,
      'conflict',
    );
  });

  it("keeps acting for the key's creator when someone else rotates it", async () => {
    const member = await seedUser(t);
    await seedMembership(t, t.projectId, member.id, 'member');
    const minted = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/token',
      payload: { email: member.email, password: member.password },
    });
    const old = CreatedKey.parse(minted.json());
    const res = await opsRequest(t.app, admin, 'POST', `/ops/api/keys/${old.api_key.id}/rotate`, {
      grace_period_hours: 0,
    });
    expect(res.statusCode, res.body).toBe(201);
    const next = CreatedKey.parse(res.json());
    expect(next.api_key).toMatchObject({ created_by: member.id, scopes: ['execution', 'inference'] });
    const me = await t.app.inject({ method: 'GET', url: '/v1/auth/whoami', headers: bearer(next.key) });
    expect(me.json().user).toMatchObject({ id: member.id, role: 'member', is_admin: false });
    // So removing that member still ends the successor too.
    await opsRequest(t.app, admin, 'DELETE', `/ops/api/members/${member.id}`);
    expectError(
      await t.app.inject({ method: 'GET', url: '/v1/auth/whoami', headers: bearer(next.key) }),
      401,
      'invalid_api_key',
    );
  });

  it('refuses a grace period out of range with invalid_body naming the field', async () => {
    const old = await newKey(admin);
    const res = await opsRequest(t.app, admin, 'POST', `/ops/api/keys/${old.api_key.id}/rotate`, {
      grace_period_hours: 721,
    });
    expect(expectError(res, 400, 'invalid_body').error.param).toBe('grace_period_hours');
    expect((await listed(old.api_key.id)).rotated_to).toBeNull();
  });
});

describe('a key acts for its creator, never with more than the creator may do now', () => {
  it('stops working when its creator is removed from the project', async () => {
    const owner = await seedUser(t);
    await seedMembership(t, t.projectId, owner.id, 'owner');
    const session = await login(t.app, owner.email, owner.password);
    const key = await newKey(session);
    expect((await use(key.key)).statusCode).toBe(200);

    const removed = await opsRequest(t.app, admin, 'DELETE', `/ops/api/members/${owner.id}`);
    expect(removed.statusCode, removed.body).toBe(200);
    expectError(await use(key.key), 401, 'invalid_api_key');
    const whoami = await t.app.inject({ method: 'GET', url: '/v1/auth/whoami', headers: bearer(key.key) });
    expectError(whoami, 401, 'invalid_api_key');
  });

  it('loses owner-only management when its creator is demoted to member (403 owner_required)', async () => {
    const owner = await seedUser(t);
    await seedMembership(t, t.projectId, owner.id, 'owner');
    const session = await login(t.app, owner.email, owner.password);
    const key = await newKey(session);
    const victim = await newKey(admin);
    const create = () =>
      t.app.inject({
        method: 'POST',
        url: keysUrl,
        headers: bearer(key.key),
        payload: { name: 'x', scopes: ['execution'] },
      });
    expect((await create()).statusCode).toBe(201);

    const demoted = await opsRequest(t.app, admin, 'PATCH', `/ops/api/members/${owner.id}`, {
      role: 'member',
    });
    expect(demoted.statusCode, demoted.body).toBe(200);

    expectError(await create(), 403, 'owner_required');
    expectError(await use(key.key), 403, 'owner_required');
    for (const verb of ['rotate', 'revoke']) {
      const res = await t.app.inject({
        method: 'POST',
        url: `${keysUrl}/${victim.api_key.id}/${verb}`,
        headers: bearer(key.key),
      });
      expectError(res, 403, 'owner_required');
    }
    const members = `/${t.projectId}/v1/management/project/members`;
    const promote = await t.app.inject({
      method: 'PATCH',
      url: `${members}/${owner.id}`,
      headers: bearer(key.key),
      payload: { role: 'owner' },
    });
    expectError(promote, 403, 'owner_required');
    expect(await listed(victim.api_key.id)).toMatchObject({ active: true, rotated_to: null });
    const whoami = await t.app.inject({ method: 'GET', url: '/v1/auth/whoami', headers: bearer(key.key) });
    expect(whoami.json().user.role).toBe('member');
  });
});
