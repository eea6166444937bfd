import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreatedWebhook, listOf, Webhook, WEBHOOK_EVENT_TYPES } from '@xem/protocol';
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
  seedProject,
  seedUser,
  type Browser,
  type TestApp,
} from '../../test/test-app';

let t: TestApp;
let ownerKey: string;
let memberKey: string;
let admin: Browser;

const base = () => `/${t.projectId}/v1/management/webhooks`;
const api = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, key: string, payload?: object) =>
  t.app.inject({ method, url, headers: bearer(key), ...(payload ? { payload } : {}) });

async function create(body: object, key = ownerKey): Promise<CreatedWebhook> {
  const res = await api('POST', base(), key, body);
  expect(res.statusCode, res.body).toBe(201);
  return CreatedWebhook.parse(res.json());
}

async function auditOf(targetId: string) {
  return t.deps.db
    .selectFrom('audit_log')
    .select(['action', 'outcome', 'before', 'after'])
    .where('target_id', '=', targetId)
    .orderBy('seq')
    .execute();
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  ownerKey = (await seedApiKey(t, t.projectId, admin.userId, ['management'])).key;
  const member = await seedUser(t);
  await seedMembership(t, t.projectId, member.id, 'member');
  memberKey = (await seedApiKey(t, t.projectId, member.id, ['management'])).key;
});
afterAll(() => t.close());

describe('webhook endpoints', () => {
  it('create returns the whsec_ secret once; show and list never do', async () => {
    const created = await create({
      url: 'https://hooks.example.com/xem',
      events: ['exec.completed', 'exec.failed', 'exec.completed'],
      description: 'pager',
      metadata: { team: 'sre' },
    });
    expect(created.secret).toMatch(/^whsec_[0-9A-Za-z]{43}$/);
    expect(created.webhook).toMatchObject({
      url: 'https://hooks.example.com/xem',
      events: ['exec.completed', 'exec.failed'],
      description: 'pager',
      metadata: { team: 'sre' },
      enabled: true,
      created_by: admin.userId,
    });
    expect(created.webhook.id).toMatch(/^wh_/);
    expect(created.secret.startsWith(created.webhook.secret_prefix)).toBe(true);

    const shown = await api('GET', `${base()}/${created.webhook.id}`, ownerKey);
    expect(Webhook.parse(shown.json())).toEqual(created.webhook);
    expect(shown.body).not.toContain(created.secret);
    const list = await api('GET', base(), ownerKey);
    expect(
      listOf(Webhook)
        .parse(list.json())
        .data.map((w) => w.id),
    ).toContain(created.webhook.id);
    expect(list.body).not.toContain(created.secret);
    expect(await auditOf(created.webhook.id)).toMatchObject([
      { action: 'webhook.create', outcome: 'success' },
    ]);
    const [row] = await auditOf(created.webhook.id);
    expect(JSON.stringify(row)).not.toContain(created.secret);
  });

  it('accepts every exec.* type, reserved ones included', async () => {
    const all = await create({ url: 'https://hooks.example.com/all', events: [...WEBHOOK_EVENT_TYPES] });
    expect(all.webhook.events).toEqual([...WEBHOOK_EVENT_TYPES]);
    const reserved = await create({
      url: 'https://hooks.example.com/budget',
      events: ['exec.workspace_budget_exhausted'],
    });
    expect(reserved.webhook.events).toEqual(['exec.workspace_budget_exhausted']);
  });

  it('lists newest first with a cursor', async () => {
    for (let i = 0; i < 3; i++)
      await create({ url: `https://hooks.example.com/page-${i}`, events: ['exec.failed'] });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await api('GET', `${base()}?limit=2${cursor ? `&cursor=${cursor}` : ''}`, ownerKey);
      const page = listOf(Webhook).parse(res.json());
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((w) => w.url));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen.slice(0, 3)).toEqual([
      'https://hooks.example.com/page-2',
      'https://hooks.example.com/page-1',
      'https://hooks.example.com/page-0',
    ]);
    expect(new Set(seen).size).toBe(seen.length);
    expectError(await api('GET', `${base()}?cursor=bogus`, ownerKey), 400, 'invalid_query');
  });

  it('update replaces the fields given; rotate-secret replaces the secret; delete removes it; all audited', async () => {
    const { webhook, secret } = await create({ url: 'https://hooks.example.com/u', events: ['exec.failed'] });
    const url = `${base()}/${webhook.id}`;
    const patched = await api('PATCH', url, ownerKey, {
      url: 'https://hooks.example.com/v',
      events: ['exec.timeout'],
      description: 'changed',
      metadata: { a: '1', b: '2' },
      enabled: false,
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(Webhook.parse(patched.json())).toMatchObject({
      url: 'https://hooks.example.com/v',
      events: ['exec.timeout'],
      description: 'changed',
      metadata: { a: '1', b: '2' },
      enabled: false,
    });
    const partial = Webhook.parse((await api('PATCH', url, ownerKey, { enabled: true })).json());
    expect(partial).toMatchObject({ enabled: true, description: 'changed', events: ['exec.timeout'] });

    const rotated = await api('POST', `${url}/rotate-secret`, ownerKey);
    expect(rotated.statusCode, rotated.body).toBe(200);
    const next = CreatedWebhook.parse(rotated.json());
    expect(next.secret).toMatch(/^whsec_/);
    expect(next.secret).not.toBe(secret);
    expect(next.webhook.secret_prefix).toBe(next.secret.slice(0, next.webhook.secret_prefix.length));
    const stored = await t.deps.db
      .selectFrom('webhooks')
      .select('secret')
      .where('id', '=', webhook.id)
      .executeTakeFirstOrThrow();
    expect(stored.secret).toBe(next.secret);

    const deleted = await api('DELETE', url, ownerKey);
    expect(Webhook.parse(deleted.json()).id).toBe(webhook.id);
    expectError(await api('GET', url, ownerKey), 404, 'not_found');
    expectError(await api('DELETE', url, ownerKey), 404, 'not_found');
    expect((await auditOf(webhook.id)).map((a) => a.action)).toEqual([
      'webhook.create',
      'webhook.update',
      'webhook.update',
      'webhook.rotate_secret',
      'webhook.delete',
    ]);
  });

  it('works the same from the dashboard (session + CSRF) on /ops/api/webhooks', async () => {
    const res = await opsRequest(t.app, admin, 'POST', '/ops/api/webhooks', {
      url: 'https://hooks.example.com/ops',
      events: ['exec.agent_offline'],
    });
    expect(res.statusCode, res.body).toBe(201);
    const { webhook } = CreatedWebhook.parse(res.json());
    const shown = await opsRequest(t.app, admin, 'GET', `/ops/api/webhooks/${webhook.id}`);
    expect(Webhook.parse(shown.json()).url).toBe('https://hooks.example.com/ops');
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select('via')
      .where('target_id', '=', webhook.id)
      .executeTakeFirstOrThrow();
    expect(audit.via).toBe('dashboard');
  });
});

describe('validation', () => {
  const post = (body: object) => api('POST', base(), ownerKey, body);

  it('refuses http outside loopback, and http to loopback without the development flag', async () => {
    const http = expectError(
      await post({ url: 'http://hooks.example.com/x', events: ['exec.failed'] }),
      400,
      'webhook_url_not_allowed',
    );
    expect(http.error).toMatchObject({ param: 'url', message: expect.stringMatching(/https/) });
    const loopback = expectError(
      await post({ url: 'http://127.0.0.1:9/x', events: ['exec.failed'] }),
      400,
      'webhook_url_not_allowed',
    );
    expect(loopback.error.message).toContain('XEM_WEBHOOKS_ALLOW_HTTP_LOOPBACK');
    expectError(await post({ url: 'not a url', events: ['exec.failed'] }), 400, 'webhook_url_not_allowed');
    expectError(
      await post({ url: 'ftp://example.com/x', events: ['exec.failed'] }),
      400,
      'webhook_url_not_allowed',
    );
  });

  it('refuses unknown event types, an empty list and more than 16 metadata pairs', async () => {
    const unknown = expectError(
      await post({ url: 'https://h.example.com', events: ['exec.completed', 'exec.exploded'] }),
      400,
      'invalid_body',
    );
    expect(unknown.error.param).toBe('events.1');
    expect(
      expectError(await post({ url: 'https://h.example.com', events: [] }), 400, 'invalid_body').error.param,
    ).toBe('events');
    expect(expectError(await post({ url: 'https://h.example.com' }), 400, 'invalid_body').error.param).toBe(
      'events',
    );
    const metadata = Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v']));
    const tooMany = expectError(
      await post({ url: 'https://h.example.com', events: ['exec.failed'], metadata }),
      400,
      'invalid_body',
    );
    expect(tooMany.error).toMatchObject({ param: 'metadata', message: expect.stringContaining('16') });
    const sixteen = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, 'v']));
    expect(
      (await post({ url: 'https://h.example.com', events: ['exec.failed'], metadata: sixteen })).statusCode,
    ).toBe(201);
  });

  it('applies the same rules to updates and leaves the endpoint unchanged', async () => {
    const { webhook } = await create({ url: 'https://hooks.example.com/keep', events: ['exec.failed'] });
    const url = `${base()}/${webhook.id}`;
    expectError(
      await api('PATCH', url, ownerKey, { url: 'http://example.com/' }),
      400,
      'webhook_url_not_allowed',
    );
    expectError(await api('PATCH', url, ownerKey, { events: [] }), 400, 'invalid_body');
    expectError(await api('PATCH', url, ownerKey, { events: ['exec.nope'] }), 400, 'invalid_body');
    expect(Webhook.parse((await api('GET', url, ownerKey)).json())).toEqual(webhook);
  });
});

describe('who may do what', () => {
  it('members read; only owners write (403 owner_required, audited as denied)', async () => {
    const { webhook } = await create({ url: 'https://hooks.example.com/m', events: ['exec.failed'] });
    const url = `${base()}/${webhook.id}`;
    expect((await api('GET', base(), memberKey)).statusCode).toBe(200);
    expect((await api('GET', url, memberKey)).statusCode).toBe(200);
    expect((await api('GET', `${url}/deliveries`, memberKey)).statusCode).toBe(200);
    const writes: ['POST' | 'PATCH' | 'DELETE', string, object?][] = [
      ['POST', base(), { url: 'https://hooks.example.com/x', events: ['exec.failed'] }],
      ['PATCH', url, { enabled: false }],
      ['DELETE', url],
      ['POST', `${url}/rotate-secret`],
      ['POST', `${url}/test`],
      ['POST', `${url}/deliveries/whd_00000000000000000000/redeliver`],
    ];
    for (const [method, path, body] of writes) {
      const res = await api(method, path, memberKey, body);
      expectError(res, 403, 'owner_required');
      const denied = await t.deps.db
        .selectFrom('audit_log')
        .select('outcome')
        .where('request_id', '=', String(res.headers['x-request-id']))
        .execute();
      expect(denied, `${method} ${path}`).toEqual([{ outcome: 'denied' }]);
    }
    expect(Webhook.parse((await api('GET', url, ownerKey)).json())).toEqual(webhook);
  });

  it("another project's webhook is a 404 on every route, and stays untouched", async () => {
    const other = await seedProject(t);
    const otherKey = (await seedApiKey(t, other.id, other.owner.id, ['management'])).key;
    const res = await t.app.inject({
      method: 'POST',
      url: `/${other.id}/v1/management/webhooks`,
      headers: bearer(otherKey),
      payload: { url: 'https://hooks.example.com/other', events: ['exec.failed'] },
    });
    const theirs = CreatedWebhook.parse(res.json()).webhook;
    const url = `${base()}/${theirs.id}`;
    const attempts: ['GET' | 'POST' | 'PATCH' | 'DELETE', string, object?][] = [
      ['GET', url],
      ['PATCH', url, { enabled: false }],
      ['DELETE', url],
      ['POST', `${url}/rotate-secret`],
      ['POST', `${url}/test`],
      ['GET', `${url}/deliveries`],
      ['GET', `${url}/deliveries/whd_00000000000000000000`],
      ['POST', `${url}/deliveries/whd_00000000000000000000/redeliver`],
    ];
    for (const [method, path, body] of attempts) {
      expectError(await api(method, path, ownerKey, body), 404, 'not_found');
    }
    const session = await opsRequest(t.app, admin, 'DELETE', `/ops/api/webhooks/${theirs.id}`);
    expectError(session, 404, 'not_found');
    const still = await t.app.inject({
      method: 'GET',
      url: `/${other.id}/v1/management/webhooks/${theirs.id}`,
      headers: bearer(otherKey),
    });
    expect(Webhook.parse(still.json())).toEqual(theirs);
  });
});
