import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOf, Template } from '@xem/protocol';
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

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

let t: TestApp;
let admin: Browser;
/** Keys in the default project: the system admin, a non-admin owner, a member. */
let adminKey: string;
let ownerKey: string;
let memberKey: string;
/** Another project, whose owner is not an admin. */
let other: { id: string; key: string };

const url = (projectId: string, rest = '') => `/${projectId}/v1/management/templates${rest}`;
const call = (key: string, method: Method, path: string, payload?: object) =>
  t.app.inject({ method, url: path, headers: bearer(key), ...(payload ? { payload } : {}) });

async function create(key: string, projectId: string, body: object): Promise<Template> {
  const res = await call(key, 'POST', url(projectId), body);
  expect(res.statusCode, res.body).toBe(201);
  return Template.parse(res.json());
}

async function expectDenied(res: Awaited<ReturnType<typeof call>>, code: string) {
  expectError(res, 403, code);
  const rows = await t.deps.db
    .selectFrom('audit_log')
    .select('outcome')
    .where('request_id', '=', String(res.headers['x-request-id']))
    .execute();
  expect(rows).toEqual([{ outcome: 'denied' }]);
}

beforeAll(async () => {
  t = await createTestApp();
  admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  adminKey = (await seedApiKey(t, t.projectId, admin.userId, ['management'])).key;
  const owner = await seedUser(t);
  await seedMembership(t, t.projectId, owner.id, 'owner');
  ownerKey = (await seedApiKey(t, t.projectId, owner.id, ['management'])).key;
  const member = await seedUser(t);
  await seedMembership(t, t.projectId, member.id, 'member');
  memberKey = (await seedApiKey(t, t.projectId, member.id, ['management'])).key;
  const p = await seedProject(t);
  other = { id: p.id, key: (await seedApiKey(t, p.id, p.owner.id, ['management'])).key };
});
afterAll(() => t.close());

describe('project templates', () => {
  it('members read; only owners write (403 owner_required, audited as denied)', async () => {
    const tpl = await create(ownerKey, t.projectId, { name: 'owned' });
    const one = url(t.projectId, `/${tpl.id}`);
    for (const path of [url(t.projectId), one, `${one}/versions`, `${one}/versions/1`]) {
      expect((await call(memberKey, 'GET', path)).statusCode, path).toBe(200);
    }
    const writes: [Method, string, object?][] = [
      ['POST', url(t.projectId), { name: 'mine' }],
      ['PUT', one, { description: 'mine' }],
      ['DELETE', one],
      ['POST', `${one}/promote`, { scope: 'project' }],
    ];
    for (const [method, path, body] of writes) {
      await expectDenied(await call(memberKey, method, path, body), 'owner_required');
    }
    expect(Template.parse((await call(memberKey, 'GET', one)).json())).toEqual(tpl);
  });

  it("another project's template is a 404 on every route, by key and by session, and stays untouched", async () => {
    const theirs = await create(other.key, other.id, { name: 'theirs' });
    const one = url(t.projectId, `/${theirs.id}`);
    const attempts: [Method, string, object?][] = [
      ['GET', one],
      ['PUT', one, { description: 'stolen' }],
      ['DELETE', one],
      ['GET', `${one}/versions`],
      ['GET', `${one}/versions/1`],
      ['POST', `${one}/promote`, { scope: 'platform' }],
    ];
    for (const [method, path, body] of attempts) {
      expectError(await call(adminKey, method, path, body), 404, 'not_found');
      const ops = path.replace(`/${t.projectId}/v1/management`, '/ops/api');
      expectError(await opsRequest(t.app, admin, method, ops, body), 404, 'not_found');
    }
    const listed = listOf(Template).parse((await call(adminKey, 'GET', url(t.projectId))).json());
    expect(listed.data.map((x) => x.id)).not.toContain(theirs.id);
    const still = await call(other.key, 'GET', url(other.id, `/${theirs.id}`));
    expect(Template.parse(still.json())).toEqual(theirs);
  });
});

describe('platform templates', () => {
  let platform: Template;

  it('only a system admin creates them (403 admin_required for owners, audited)', async () => {
    await expectDenied(
      await call(ownerKey, 'POST', url(t.projectId), { name: 'shared', scope: 'platform' }),
      'admin_required',
    );
    platform = await create(adminKey, t.projectId, { name: 'shared', scope: 'platform' });
    expect(platform).toMatchObject({ scope: 'platform', workspace_id: null });
  });

  it('every project reads them, and every project is told about changes', async () => {
    const theirs = url(other.id, `/${platform.id}`);
    expect(Template.parse((await call(other.key, 'GET', theirs)).json())).toEqual(platform);
    expect((await call(other.key, 'GET', `${theirs}/versions/1`)).statusCode).toBe(200);
    const listed = listOf(Template).parse((await call(other.key, 'GET', url(other.id))).json());
    expect(listed.data.map((x) => x.id)).toContain(platform.id);
    const without = listOf(Template).parse(
      (await call(other.key, 'GET', url(other.id, '?include_platform=false'))).json(),
    );
    expect(without.data.map((x) => x.id)).not.toContain(platform.id);
    const events = await t.deps.db
      .selectFrom('events')
      .select('project_id')
      .where('type', '=', 'template.created')
      .where(sql<string>`payload->>'id'`, '=', platform.id)
      .execute();
    expect(events.map((e) => e.project_id).sort()).toEqual([t.projectId, other.id].sort());
  });

  it('owners of any project, theirs included, cannot change them: 403 admin_required', async () => {
    const mine = url(t.projectId, `/${platform.id}`);
    for (const [key, path] of [
      [ownerKey, mine],
      [other.key, url(other.id, `/${platform.id}`)],
    ] as const) {
      await expectDenied(await call(key, 'PUT', path, { description: 'x' }), 'admin_required');
      await expectDenied(await call(key, 'DELETE', path), 'admin_required');
    }
    const changed = await call(adminKey, 'PUT', mine, { description: 'by the admin' });
    expect(changed.json()).toMatchObject({ version: 2, description: 'by the admin' });
  });

  it('promote: owners widen workspace → project, only admins → platform; never narrower', async () => {
    const ws = await opsRequest(t.app, admin, 'POST', '/ops/api/workspaces', { name: 'promo' });
    const wsId = ws.json<{ id: string }>().id;
    const tpl = await create(ownerKey, t.projectId, {
      name: 'promo',
      scope: 'workspace',
      workspace_id: wsId,
    });
    const promote = url(t.projectId, `/${tpl.id}/promote`);
    const toProject = await call(ownerKey, 'POST', promote, { scope: 'project' });
    expect(toProject.json()).toMatchObject({ id: tpl.id, scope: 'project', workspace_id: null, version: 1 });
    await expectDenied(await call(ownerKey, 'POST', promote, { scope: 'platform' }), 'admin_required');
    expectError(await call(ownerKey, 'POST', promote, { scope: 'project' }), 409, 'conflict');
    expectError(await call(ownerKey, 'POST', promote, { scope: 'workspace' }), 400, 'invalid_body');
    const toPlatform = await call(adminKey, 'POST', promote, { scope: 'platform' });
    expect(toPlatform.json()).toMatchObject({ scope: 'platform', version: 1 });
    expect((await call(other.key, 'GET', url(other.id, `/${tpl.id}`))).statusCode).toBe(200);
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'before', 'after'])
      .where('target_id', '=', tpl.id)
      .where('action', '=', 'template.promote')
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => [(a.before as Template).scope, (a.after as Template).scope])).toEqual([
      ['workspace', 'project'],
      ['project', 'platform'],
    ]);
  });

  it('an admin deletes one; it is gone for every project', async () => {
    const del = await call(adminKey, 'DELETE', url(t.projectId, `/${platform.id}`));
    expect(del.statusCode, del.body).toBe(200);
    expectError(await call(other.key, 'GET', url(other.id, `/${platform.id}`)), 404, 'not_found');
  });
});

describe('workspace templates', () => {
  it('go with their workspace when it is deleted', async () => {
    const ws = await opsRequest(t.app, admin, 'POST', '/ops/api/workspaces', { name: 'short-lived' });
    const wsId = ws.json<{ id: string }>().id;
    const tpl = await create(adminKey, t.projectId, {
      name: 'local',
      scope: 'workspace',
      workspace_id: wsId,
    });
    const gone = await opsRequest(t.app, admin, 'DELETE', `/ops/api/workspaces/${wsId}`);
    expect(gone.statusCode, gone.body).toBe(200);
    expectError(await call(adminKey, 'GET', url(t.projectId, `/${tpl.id}`)), 404, 'not_found');
  });

  it('the dashboard routes act on the active project and audit via dashboard', async () => {
    const res = await opsRequest(t.app, admin, 'POST', '/ops/api/templates', { name: 'from the dashboard' });
    expect(res.statusCode, res.body).toBe(201);
    const tpl = Template.parse(res.json());
    const shown = await opsRequest(t.app, admin, 'GET', `/ops/api/templates/${tpl.id}`);
    expect(Template.parse(shown.json())).toEqual(tpl);
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['via', 'project_id'])
      .where('target_id', '=', tpl.id)
      .executeTakeFirstOrThrow();
    expect(audit).toEqual({ via: 'dashboard', project_id: t.projectId });
  });
});
