import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKey, CreatedKey, listOf } from '@xem/protocol';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  bearer,
  createKeyAs,
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

let t: TestApp;
let admin: Browser;
let keysUrl: string;

beforeAll(async () => {
  t = await createTestApp();
  admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  keysUrl = `/${t.projectId}/v1/management/keys`;
});
afterAll(() => t.close());

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

async function keyRow(id: string) {
  const { rows } = await t.database.pool.query('SELECT * FROM api_keys WHERE id = $1', [id]);
  return rows[0] as Record<string, unknown>;
}

async function auditRows(requestId: string) {
  return t.deps.db.selectFrom('audit_log').selectAll().where('request_id', '=', requestId).execute();
}

describe('creating an API key', () => {
  it('returns xero_<slug>_<43 base62> exactly once and stores only its sha256 and prefix', async () => {
    const res = await opsRequest(t.app, admin, 'POST', '/ops/api/keys', {
      name: 'deploy bot',
      scopes: ['management', 'execution'],
    });
    expect(res.statusCode).toBe(201);
    const created = CreatedKey.parse(res.json());
    expect(created.key).toMatch(/^xero_default_[0-9A-Za-z]{43}$/);
    expect(created.api_key).toMatchObject({
      name: 'deploy bot',
      scopes: ['execution', 'management'],
      active: true,
      revoked_at: null,
      last_used_at: null,
      expires_at: null,
      created_by: admin.userId,
    });
    expect(created.key.startsWith(created.api_key.prefix)).toBe(true);
    expect(created.api_key.prefix.length).toBeLessThanOrEqual('xero_default_'.length + 8);

    const row = await keyRow(created.api_key.id);
    expect(row.key_hash).toBe(sha256(created.key));
    const secretTail = created.key.slice(created.api_key.prefix.length);
    expect(secretTail.length).toBeGreaterThanOrEqual(35);
    for (const [column, value] of Object.entries(row)) {
      const text = value instanceof Date ? value.toISOString() : JSON.stringify(value);
      expect(text, `column ${column}`).not.toContain(secretTail);
    }
    // And nowhere else in the database either (audit rows, events).
    const { rows } = await t.database.pool.query(
      `SELECT count(*)::int AS n FROM audit_log WHERE after::text LIKE $1 OR before::text LIKE $1`,
      [`%${secretTail}%`],
    );
    expect(rows[0].n).toBe(0);
  });

  it('mints a different secret every time', async () => {
    const a = await createKeyAs(t.app, admin, ['execution']);
    const b = await createKeyAs(t.app, admin, ['execution']);
    expect(a).not.toBe(b);
  });

  it('never shows the secret again: neither the dashboard nor the management list contains it', async () => {
    const key = await createKeyAs(t.app, admin);
    for (const res of [
      await opsRequest(t.app, admin, 'GET', '/ops/api/keys'),
      await t.app.inject({ method: 'GET', url: keysUrl, headers: bearer(key) }),
    ]) {
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain(key);
      expect(res.body).not.toContain(key.slice(-30));
      const list = listOf(ApiKey).strict().parse(res.json());
      expect(list.data.length).toBeGreaterThanOrEqual(1);
      for (const k of list.data) expect(Object.keys(k)).not.toContain('key');
      expect(list.data.some((k) => key.startsWith(k.prefix))).toBe(true);
    }
  });

  it('refuses invalid scopes and empty names with invalid_body naming the field', async () => {
    const bad = await opsRequest(t.app, admin, 'POST', '/ops/api/keys', { name: 'x', scopes: ['root'] });
    expect(expectError(bad, 400, 'invalid_body').error.param).toBe('scopes.0');
    const empty = await opsRequest(t.app, admin, 'POST', '/ops/api/keys', {
      name: '  ',
      scopes: ['execution'],
    });
    expect(expectError(empty, 400, 'invalid_body').error.param).toBe('name');
  });
});

describe('authentication with a key', () => {
  it('needs a key (401 authentication_required) and refuses unknown or malformed ones (401 invalid_api_key)', async () => {
    expectError(await t.app.inject({ method: 'GET', url: keysUrl }), 401, 'authentication_required');
    const real = await createKeyAs(t.app, admin);
    const forged = real.slice(0, -1) + (real.endsWith('A') ? 'B' : 'A');
    for (const presented of [forged, 'xero_default_short', 'not-a-key']) {
      const res = await t.app.inject({ method: 'GET', url: keysUrl, headers: bearer(presented) });
      expectError(res, 401, 'invalid_api_key');
    }
  });

  it('records last_used_at when a key is used', async () => {
    const res = await opsRequest(t.app, admin, 'POST', '/ops/api/keys', {
      name: 'lu',
      scopes: ['management'],
    });
    const created = CreatedKey.parse(res.json());
    expect((await keyRow(created.api_key.id)).last_used_at).toBeNull();
    const before = Date.now();
    const used = await t.app.inject({ method: 'GET', url: keysUrl, headers: bearer(created.key) });
    expect(used.statusCode).toBe(200);
    const lastUsed = (await keyRow(created.api_key.id)).last_used_at as Date;
    expect(lastUsed).toBeInstanceOf(Date);
    expect(Math.abs(lastUsed.getTime() - before)).toBeLessThan(60_000);
    const listed = listOf(ApiKey)
      .parse(used.json())
      .data.find((k) => k.id === created.api_key.id)!;
    expect(listed.last_used_at).not.toBeNull();
  });
});

describe('scopes', () => {
  it('refuses a key with only the execution scope on every management verb: 403 scope_insufficient, audited as denied', async () => {
    const res = await opsRequest(t.app, admin, 'POST', '/ops/api/keys', {
      name: 'exec',
      scopes: ['execution'],
    });
    const exec = CreatedKey.parse(res.json());
    const keysBefore = await t.deps.db.selectFrom('api_keys').select('id').execute();
    const attempts = [
      { method: 'GET' as const, url: keysUrl },
      { method: 'POST' as const, url: keysUrl, payload: { name: 'escalate', scopes: ['management'] } },
      { method: 'POST' as const, url: `${keysUrl}/${exec.api_key.id}/revoke` },
      { method: 'GET' as const, url: `/${t.projectId}/v1/management/project/members` },
      { method: 'GET' as const, url: `/${t.projectId}/v1/management/audit` },
    ];
    for (const a of attempts) {
      const denied = await t.app.inject({ ...a, headers: bearer(exec.key) });
      expectError(denied, 403, 'scope_insufficient');
      const [audit] = await auditRows(String(denied.headers['x-request-id']));
      expect(audit).toMatchObject({
        project_id: t.projectId,
        action: 'auth.scope_refused',
        outcome: 'denied',
        actor_type: 'api_key',
        actor_id: exec.api_key.id,
        via: 'api',
        target_id: exec.api_key.id,
      });
      expect(audit!.after).toMatchObject({ required_scope: 'management', scopes: ['execution'] });
    }
    expect(await t.deps.db.selectFrom('api_keys').select('id').execute()).toHaveLength(keysBefore.length);
    expect((await keyRow(exec.api_key.id)).revoked_at).toBeNull();
  });

  it('refuses an inference-only key too, and accepts a management key', async () => {
    const inference = await createKeyAs(t.app, admin, ['inference']);
    expectError(
      await t.app.inject({ method: 'GET', url: keysUrl, headers: bearer(inference) }),
      403,
      'scope_insufficient',
    );
    const mgmt = await createKeyAs(t.app, admin, ['management']);
    expect((await t.app.inject({ method: 'GET', url: keysUrl, headers: bearer(mgmt) })).statusCode).toBe(200);
  });
});

describe('expiry and revocation', () => {
  it('honours expires_in_days, and a key past its expiry is refused with 401 invalid_api_key', async () => {
    const res = await opsRequest(t.app, admin, 'POST', '/ops/api/keys', {
      name: 'short',
      scopes: ['management'],
      expires_in_days: 2,
    });
    const created = CreatedKey.parse(res.json());
    const expires = Date.parse(created.api_key.expires_at!);
    expect(expires - Date.now()).toBeGreaterThan(2 * 86_400_000 - 120_000);
    expect(expires - Date.now()).toBeLessThan(2 * 86_400_000 + 120_000);
    expect(
      (await t.app.inject({ method: 'GET', url: keysUrl, headers: bearer(created.key) })).statusCode,
    ).toBe(200);

    await t.database.pool.query(
      `UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [created.api_key.id],
    );
    const expired = await t.app.inject({ method: 'GET', url: keysUrl, headers: bearer(created.key) });
    expectError(expired, 401, 'invalid_api_key');
    const list = listOf(ApiKey).parse((await opsRequest(t.app, admin, 'GET', '/ops/api/keys')).json());
    expect(list.data.find((k) => k.id === created.api_key.id)!.active).toBe(false);
  });

  it.each(['POST revoke', 'DELETE'])('revocation (%s) takes effect on the very next request', async (how) => {
    const res = await opsRequest(t.app, admin, 'POST', '/ops/api/keys', {
      name: 'victim',
      scopes: ['management'],
    });
    const victim = CreatedKey.parse(res.json());
    expect(
      (await t.app.inject({ method: 'GET', url: keysUrl, headers: bearer(victim.key) })).statusCode,
    ).toBe(200);
    const revoked =
      how === 'DELETE'
        ? await opsRequest(t.app, admin, 'DELETE', `/ops/api/keys/${victim.api_key.id}`)
        : await opsRequest(t.app, admin, 'POST', `/ops/api/keys/${victim.api_key.id}/revoke`);
    expect(revoked.statusCode).toBe(200);
    expect(ApiKey.parse(revoked.json())).toMatchObject({ id: victim.api_key.id, active: false });
    expect(revoked.json().revoked_at).not.toBeNull();
    const after = await t.app.inject({ method: 'GET', url: keysUrl, headers: bearer(victim.key) });
    expectError(after, 401, 'invalid_api_key');
    // Revoking again is harmless and writes no second audit row.
    const again = await opsRequest(t.app, admin, 'POST', `/ops/api/keys/${victim.api_key.id}/revoke`);
    expect(again.statusCode).toBe(200);
    const audits = await t.deps.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'api_key.revoke')
      .where('target_id', '=', victim.api_key.id)
      .execute();
    expect(audits).toHaveLength(1);
  });

  it('a key can revoke itself', async () => {
    const res = await opsRequest(t.app, admin, 'POST', '/ops/api/keys', {
      name: 'self',
      scopes: ['management'],
    });
    const self = CreatedKey.parse(res.json());
    const revoked = await t.app.inject({
      method: 'POST',
      url: `${keysUrl}/${self.api_key.id}/revoke`,
      headers: bearer(self.key),
    });
    expect(revoked.statusCode).toBe(200);
    expectError(
      await t.app.inject({ method: 'GET', url: keysUrl, headers: bearer(self.key) }),
      401,
      'invalid_api_key',
    );
  });
});

describe('members and keys', () => {
  it('a member cannot create, list, rotate or revoke keys (403 owner_required), by session or by key', async () => {
    const member = await seedUser(t);
    await seedMembership(t, t.projectId, member.id, 'member');
    const target = CreatedKey.parse(
      (await opsRequest(t.app, admin, 'POST', '/ops/api/keys', { name: 't', scopes: ['execution'] })).json(),
    );
    const count = async () => (await t.deps.db.selectFrom('api_keys').select('id').execute()).length;
    const before = await count();

    const session = await login(t.app, member.email, member.password);
    const sessionAttempts = [
      opsRequest(t.app, session, 'POST', '/ops/api/keys', { name: 'mine', scopes: ['execution'] }),
      opsRequest(t.app, session, 'GET', '/ops/api/keys'),
      opsRequest(t.app, session, 'POST', `/ops/api/keys/${target.api_key.id}/rotate`, {
        grace_period_hours: 1,
      }),
      opsRequest(t.app, session, 'POST', `/ops/api/keys/${target.api_key.id}/revoke`),
      opsRequest(t.app, session, 'DELETE', `/ops/api/keys/${target.api_key.id}`),
    ];
    for (const res of await Promise.all(sessionAttempts)) expectError(res, 403, 'owner_required');

    // A member holding a management-scoped key (e.g. minted while an owner) is still a member.
    const { key } = await seedApiKey(t, t.projectId, member.id, ['management']);
    const keyAttempts = [
      { method: 'POST' as const, url: keysUrl, payload: { name: 'mine', scopes: ['execution'] } },
      { method: 'GET' as const, url: keysUrl },
      { method: 'POST' as const, url: `${keysUrl}/${target.api_key.id}/rotate` },
      { method: 'POST' as const, url: `${keysUrl}/${target.api_key.id}/revoke` },
    ];
    for (const a of keyAttempts) {
      expectError(await t.app.inject({ ...a, headers: bearer(key) }), 403, 'owner_required');
    }
    expect(await count()).toBe(before + 1); // only the seeded key
    const row = await keyRow(target.api_key.id);
    expect(row.revoked_at).toBeNull();
    expect(row.rotated_to).toBeNull();
  });
});
