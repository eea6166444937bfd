import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JoinKey, listOf } from '@xem/protocol';
import { enrollRequest, mintJoinKey } from '../../test/fleet-helpers';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  bearer,
  createKeyAs,
  createTestApp,
  expectError,
  login,
  opsRequest,
  seedMembership,
  seedUser,
  type Browser,
  type TestApp,
} from '../../test/test-app';
import { sha256Hex } from '../ids';

let t: TestApp;
let admin: Browser;
let member: Browser;
let key: string;
let api: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  const m = await seedUser(t);
  await seedMembership(t, t.projectId, m.id, 'member');
  member = await login(t.app, m.email, m.password);
  key = await createKeyAs(t.app, admin, ['management']);
  api = `/${t.projectId}/v1/management/join-keys`;
});
afterAll(() => t.close());

const list = async (b: Browser) =>
  listOf(JoinKey).parse((await opsRequest(t.app, b, 'GET', '/ops/api/join-keys')).json()).data;

describe('join keys', () => {
  it('are shown once (xjk_ + 43 base62), only a hash is stored; defaults: 1 use, 24 h, default region', async () => {
    const res = await t.app.inject({ method: 'POST', url: api, headers: bearer(key), payload: {} });
    expect(res.statusCode, res.body).toBe(201);
    const { key: secret, join_key: jk } = res.json();
    expect(secret).toMatch(/^xjk_[0-9A-Za-z]{43}$/);
    expect(secret.startsWith(jk.prefix)).toBe(true);
    expect(jk).toMatchObject({ max_uses: 1, uses: 0, region: 'default', workspace_id: null, active: true });
    const ttlMs = Date.parse(jk.expires_at) - Date.parse(jk.created_at);
    expect(Math.abs(ttlMs - 24 * 3600_000)).toBeLessThan(5000);

    const row = await t.deps.db
      .selectFrom('join_keys')
      .selectAll()
      .where('id', '=', jk.id)
      .executeTakeFirstOrThrow();
    expect(row.key_hash).toBe(sha256Hex(secret));
    expect(JSON.stringify(row)).not.toContain(secret.slice(12));
    // Listing never shows the secret again.
    const listed = (await list(admin)).find((k) => k.id === jk.id)!;
    expect(JSON.stringify(listed)).not.toContain(secret.slice(12));
    expect(listed).toEqual(jk);

    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'target_id', 'after'])
      .where('request_id', '=', String(res.headers['x-request-id']))
      .execute();
    expect(audit).toMatchObject([{ action: 'join_key.create', target_id: jk.id }]);
    expect(JSON.stringify(audit)).not.toContain(secret.slice(12));
    const event = await t.deps.db
      .selectFrom('events')
      .select('payload')
      .where('type', '=', 'join_key.created')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(event.payload).toEqual(jk);
  });

  it('take a name, region, ttl, use count and workspace; an unknown workspace is 404', async () => {
    const ws = (await opsRequest(t.app, admin, 'POST', '/ops/api/workspaces', { name: 'edge' })).json();
    const created = await mintJoinKey(t, admin, {
      name: 'rack 4',
      region: 'eu-west-1',
      ttl_hours: 2,
      max_uses: 10,
      workspace_id: ws.id,
    });
    expect(created.join_key).toMatchObject({
      name: 'rack 4',
      region: 'eu-west-1',
      max_uses: 10,
      workspace_id: ws.id,
    });
    const other = await opsRequest(t.app, admin, 'POST', '/ops/api/join-keys', { workspace_id: 'ws_nope' });
    expectError(other, 404, 'not_found');
    const bad = await opsRequest(t.app, admin, 'POST', '/ops/api/join-keys', { max_uses: 0 });
    expect(expectError(bad, 400, 'invalid_body').error.param).toBe('max_uses');
  });

  it('revoke (POST …/revoke or DELETE) stops the key; audited once, repeatable', async () => {
    const a = await mintJoinKey(t, admin);
    const res = await opsRequest(t.app, admin, 'POST', `/ops/api/join-keys/${a.join_key.id}/revoke`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ active: false, revoked_at: expect.any(String) });
    const again = await t.app.inject({
      method: 'DELETE',
      url: `${api}/${a.join_key.id}`,
      headers: bearer(key),
    });
    expect(again.json().revoked_at).toBe(res.json().revoked_at);
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_id', '=', a.join_key.id)
      .where('action', '=', 'join_key.revoke')
      .execute();
    expect(audit).toHaveLength(1);
    expectError(await enrollRequest(t, a.key, 'after-revoke'), 401, 'invalid_join_key');
    expectError(
      await opsRequest(t.app, admin, 'POST', '/ops/api/join-keys/jk_nope/revoke'),
      404,
      'not_found',
    );
  });

  it('an expired key is listed inactive and refused at enrollment', async () => {
    const a = await mintJoinKey(t, admin);
    await t.database.pool.query(
      `UPDATE join_keys SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [a.join_key.id],
    );
    expect((await list(admin)).find((k) => k.id === a.join_key.id)?.active).toBe(false);
    expectError(await enrollRequest(t, a.key, 'too-late'), 401, 'invalid_join_key');
  });

  it('members can list but not mint or revoke (403 owner_required)', async () => {
    const a = await mintJoinKey(t, admin);
    expect((await list(member)).map((k) => k.id)).toContain(a.join_key.id);
    expectError(await opsRequest(t.app, member, 'POST', '/ops/api/join-keys', {}), 403, 'owner_required');
    const revoke = await opsRequest(t.app, member, 'POST', `/ops/api/join-keys/${a.join_key.id}/revoke`);
    expectError(revoke, 403, 'owner_required');
    expect((await list(admin)).find((k) => k.id === a.join_key.id)?.active).toBe(true);
  });
});
