import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenResponse, WhoAmI } from '@xem/protocol';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  bearer,
  createTestApp,
  expectError,
  seedMembership,
  seedProject,
  seedUser,
  type SeededUser,
  type TestApp,
} from '../../test/test-app';

let t: TestApp;
let member: SeededUser;

beforeAll(async () => {
  t = await createTestApp();
  member = await seedUser(t);
  await seedMembership(t, t.projectId, member.id, 'member');
});
afterAll(() => t.close());

const token = (payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/v1/auth/token', payload, headers });
const whoami = (key: string) => t.app.inject({ method: 'GET', url: '/v1/auth/whoami', headers: bearer(key) });
const keyCount = async () => (await t.deps.db.selectFrom('api_keys').select('id').execute()).length;

describe('POST /v1/auth/token', () => {
  it('mints a key with every scope for an owner; whoami tells who and where it is', async () => {
    const res = await token({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD, name: 'laptop' });
    expect(res.statusCode, res.body).toBe(201);
    const body = TokenResponse.parse(res.json());
    expect(body.key).toMatch(/^xero_default_[0-9A-Za-z]{43}$/);
    expect(body).toMatchObject({ project_id: t.projectId, project_slug: 'default' });
    expect(body.api_key).toMatchObject({ name: 'laptop', scopes: ['execution', 'inference', 'management'] });

    const me = await whoami(body.key);
    expect(me.statusCode, me.body).toBe(200);
    expect(WhoAmI.parse(me.json())).toEqual({
      project_id: t.projectId,
      project_slug: 'default',
      key_id: body.api_key.id,
      key_name: 'laptop',
      scopes: ['execution', 'inference', 'management'],
      user: { id: body.api_key.created_by, email: ADMIN_EMAIL, role: 'owner', is_admin: true },
    });
    const mgmt = await t.app.inject({
      method: 'GET',
      url: `/${t.projectId}/v1/management/keys`,
      headers: bearer(body.key),
    });
    expect(mgmt.statusCode).toBe(200);
  });

  it('gives a member execution and inference only; that key cannot manage', async () => {
    const res = await token({ email: member.email, password: member.password });
    expect(res.statusCode, res.body).toBe(201);
    const body = TokenResponse.parse(res.json());
    expect(body.api_key.scopes).toEqual(['execution', 'inference']);
    expect(body.api_key.name).toBe('xeroctl');
    const me = WhoAmI.parse((await whoami(body.key)).json());
    expect(me.user).toEqual({ id: member.id, email: member.email, role: 'member', is_admin: false });
    const mgmt = await t.app.inject({
      method: 'GET',
      url: `/${t.projectId}/v1/management/project/members`,
      headers: bearer(body.key),
    });
    expectError(mgmt, 403, 'scope_insufficient');
  });

  it('refuses the management scope to a member (403 owner_required) and mints nothing', async () => {
    const before = await keyCount();
    const res = await token({
      email: member.email,
      password: member.password,
      scopes: ['execution', 'management'],
    });
    expect(expectError(res, 403, 'owner_required').error.param).toBe('scopes');
    expect(await keyCount()).toBe(before);
  });

  it('mints exactly the scopes asked for when allowed', async () => {
    const res = await token({ email: member.email, password: member.password, scopes: ['inference'] });
    expect(TokenResponse.parse(res.json()).api_key.scopes).toEqual(['inference']);
  });

  it('refuses a wrong password or unknown e-mail alike (401 invalid_credentials) and mints nothing', async () => {
    const before = await keyCount();
    const wrong = await token({ email: member.email, password: 'not-the-password' });
    const unknown = await token({ email: 'nobody@example.test', password: 'not-the-password' });
    const a = expectError(wrong, 401, 'invalid_credentials');
    const b = expectError(unknown, 401, 'invalid_credentials');
    expect(a.error.message).toBe(b.error.message);
    expect(await keyCount()).toBe(before);
  });

  it('picks the project by id or slug for a user in several, and refuses a project the user is not in', async () => {
    const user = await seedUser(t);
    const other = await seedProject(t);
    await seedMembership(t, t.projectId, user.id, 'member');
    await seedMembership(t, other.id, user.id, 'owner');

    const ambiguous = await token({ email: user.email, password: user.password });
    expect(expectError(ambiguous, 404, 'project_not_found').error.param).toBe('project');

    const bySlug = TokenResponse.parse(
      (await token({ email: user.email, password: user.password, project: other.slug })).json(),
    );
    expect(bySlug).toMatchObject({ project_id: other.id, project_slug: other.slug });
    expect(bySlug.key.startsWith(`xero_${other.slug}_`)).toBe(true);
    expect(bySlug.api_key.scopes).toEqual(['execution', 'inference', 'management']);

    const byId = TokenResponse.parse(
      (await token({ email: user.email, password: user.password, project: t.projectId })).json(),
    );
    expect(byId.api_key.scopes).toEqual(['execution', 'inference']);

    const outsider = await seedProject(t);
    const refused = await token({ email: user.email, password: user.password, project: outsider.slug });
    expectError(refused, 404, 'project_not_found');
    const missing = await token({ email: user.email, password: user.password, project: 'no-such-project' });
    expectError(missing, 404, 'project_not_found');
  });

  it('audits the mint in the project chain, via cli for xeroctl', async () => {
    const res = await token(
      { email: member.email, password: member.password },
      { 'user-agent': 'xeroctl/0.1.0' },
    );
    const body = TokenResponse.parse(res.json());
    const row = await t.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('request_id', '=', String(res.headers['x-request-id']))
      .where('action', '=', 'api_key.create')
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      project_id: t.projectId,
      actor_type: 'user',
      actor_id: member.id,
      via: 'cli',
      target_id: body.api_key.id,
      outcome: 'success',
    });
    expect(JSON.stringify(row)).not.toContain(body.key.slice(-30));
  });
});

describe('GET /v1/auth/whoami', () => {
  it('needs a live key', async () => {
    expectError(
      await t.app.inject({ method: 'GET', url: '/v1/auth/whoami' }),
      401,
      'authentication_required',
    );
    const body = TokenResponse.parse(
      (await token({ email: member.email, password: member.password })).json(),
    );
    expect((await whoami(body.key)).statusCode).toBe(200);
    await t.database.pool.query('UPDATE api_keys SET revoked_at = now() WHERE id = $1', [body.api_key.id]);
    expectError(await whoami(body.key), 401, 'invalid_api_key');
  });
});
