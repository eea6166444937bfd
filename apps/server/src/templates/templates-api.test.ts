import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOf, Template, TemplateVersion } from '@xem/protocol';
import { frameOf } from '../events/stream-frames';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  bearer,
  createTestApp,
  expectError,
  login,
  opsRequest,
  seedApiKey,
  type Browser,
  type TestApp,
} from '../../test/test-app';

let t: TestApp;
let key: string;
let admin: Browser;

const base = () => `/${t.projectId}/v1/management/templates`;
const api = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: bearer(key), ...(payload ? { payload } : {}) });

async function create(body: object): Promise<Template> {
  const res = await api('POST', base(), body);
  expect(res.statusCode, res.body).toBe(201);
  return Template.parse(res.json());
}

async function put(id: string, body: object): Promise<Template> {
  const res = await api('PUT', `${base()}/${id}`, body);
  expect(res.statusCode, res.body).toBe(200);
  return Template.parse(res.json());
}

const count = async (table: 'template_versions' | 'audit_log', column: string, value: string) =>
  Number(
    (
      await sql<{
        n: string;
      }>`SELECT count(*) AS n FROM ${sql.table(table)} WHERE ${sql.ref(column)} = ${value}`.execute(t.deps.db)
    ).rows[0]!.n,
  );
const eventsOf = (id: string) =>
  t.deps.db
    .selectFrom('events')
    .select(['id', 'project_id', 'type', 'payload', 'created_at'])
    .where(sql<string>`payload->>'id'`, '=', id)
    .orderBy('id')
    .execute();

beforeAll(async () => {
  t = await createTestApp();
  admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  key = (await seedApiKey(t, t.projectId, admin.userId, ['management'])).key;
});
afterAll(() => t.close());

describe('templates and their versions', () => {
  let tpl: Template;

  it('create stores version 1 with defaults, each list sorted and deduplicated; audited and announced', async () => {
    tpl = await create({
      name: 'k8s triage',
      system_prompt: 'You help with Kubernetes incidents.',
      allowed_tools: ['kubectl_get', 'kubectl_describe', 'kubectl_get'],
      tags: ['sre', 'k8s'],
      metadata: { owner: 'sre', review: { every_days: 90 } },
    });
    expect(tpl).toMatchObject({
      name: 'k8s triage',
      scope: 'project',
      workspace_id: null,
      version: 1,
      description: '',
      approval_policy: 'standard',
      allowed_tools: ['kubectl_describe', 'kubectl_get'],
      applicable_workspace_types: [],
      tags: ['k8s', 'sre'],
      metadata: { owner: 'sre', review: { every_days: 90 } },
      created_by: admin.userId,
      updated_by: admin.userId,
      deleted_at: null,
    });
    expect(tpl.id).toMatch(/^tpl_[a-z0-9]{20}$/);
    expect(Template.parse((await api('GET', `${base()}/${tpl.id}`)).json())).toEqual(tpl);

    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'after'])
      .where('target_id', '=', tpl.id)
      .execute();
    expect(audit).toEqual([
      {
        action: 'template.create',
        after: { id: tpl.id, scope: 'project', workspace_id: null, name: 'k8s triage', version: 1 },
      },
    ]);
    const [event] = await eventsOf(tpl.id);
    expect(event).toMatchObject({ project_id: t.projectId, type: 'template.created', payload: tpl });
    const stored = { ...event!, projectId: t.projectId, payload: event!.payload as Record<string, unknown> };
    expect(frameOf('ops', { ...stored, createdAt: event!.created_at })).toContain(
      'event: ox.template.created\n',
    );
  });

  it('PUT stores the next version with the fields given; older versions stay as they were', async () => {
    const v2 = await put(tpl.id, { approval_policy: 'elevated', allowed_tools: ['kubectl_logs'] });
    expect(v2).toMatchObject({
      id: tpl.id,
      version: 2,
      approval_policy: 'elevated',
      allowed_tools: ['kubectl_logs'],
      system_prompt: tpl.system_prompt,
      tags: tpl.tags,
      created_at: tpl.created_at,
    });
    const v3 = await put(tpl.id, { name: 'k8s triage v2', description: 'second take' });
    expect(v3).toMatchObject({ version: 3, name: 'k8s triage v2', approval_policy: 'elevated' });

    const list = listOf(TemplateVersion).parse((await api('GET', `${base()}/${tpl.id}/versions`)).json());
    expect(list.data.map((v) => [v.version, v.name, v.approval_policy])).toEqual([
      [3, 'k8s triage v2', 'elevated'],
      [2, 'k8s triage', 'elevated'],
      [1, 'k8s triage', 'standard'],
    ]);
    const one = TemplateVersion.parse((await api('GET', `${base()}/${tpl.id}/versions/1`)).json());
    const { id, scope, workspace_id, version, updated_at, updated_by, deleted_at, ...fields } = tpl;
    void [id, scope, workspace_id, updated_at, updated_by, deleted_at];
    expect(one).toEqual({ ...fields, template_id: tpl.id, version });

    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'before', 'after'])
      .where('target_id', '=', tpl.id)
      .where('action', '=', 'template.update')
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => (a.after as { changed: string[] }).changed)).toEqual([
      ['allowed_tools', 'approval_policy'],
      ['name', 'description'],
    ]);
    expect((await eventsOf(tpl.id)).map((e) => e.type)).toEqual([
      'template.created',
      'template.updated',
      'template.updated',
    ]);
    tpl = v3;
  });

  it('version rows are never updated, not even by hand', async () => {
    await expect(
      t.deps.db
        .updateTable('template_versions')
        .set({ system_prompt: 'rewritten' })
        .where('template_id', '=', tpl.id)
        .execute(),
    ).rejects.toThrow(/immutable/);
  });

  it('a PUT that changes nothing stores, audits and announces nothing', async () => {
    const versions = await count('template_versions', 'template_id', tpl.id);
    const audits = await count('audit_log', 'target_id', tpl.id);
    const events = (await eventsOf(tpl.id)).length;
    for (const body of [
      {},
      { name: tpl.name, allowed_tools: ['kubectl_logs', 'kubectl_logs'] },
      { tags: [...tpl.tags].reverse(), metadata: tpl.metadata },
    ]) {
      expect(await put(tpl.id, body)).toEqual(tpl);
    }
    expect(await count('template_versions', 'template_id', tpl.id)).toBe(versions);
    expect(await count('audit_log', 'target_id', tpl.id)).toBe(audits);
    expect((await eventsOf(tpl.id)).length).toBe(events);
  });

  it('concurrent PUTs each store their own consecutive version', async () => {
    const bodies = Array.from({ length: 5 }, (_, i) => ({ description: `parallel ${i}` }));
    const results = await Promise.all(bodies.map((b) => put(tpl.id, b)));
    expect(results.map((r) => r.version).sort()).toEqual([4, 5, 6, 7, 8]);
    const versions = listOf(TemplateVersion).parse((await api('GET', `${base()}/${tpl.id}/versions`)).json());
    expect(versions.data.map((v) => v.version)).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    tpl = Template.parse((await api('GET', `${base()}/${tpl.id}`)).json());
  });

  it('soft delete: 404 everywhere through the API, rows kept in the database, name free again', async () => {
    const del = await api('DELETE', `${base()}/${tpl.id}`);
    expect(del.statusCode, del.body).toBe(200);
    const deleted = Template.parse(del.json());
    expect(deleted).toMatchObject({ id: tpl.id, version: 8 });
    expect(deleted.deleted_at).not.toBeNull();
    for (const [method, url, body] of [
      ['GET', `${base()}/${tpl.id}`],
      ['PUT', `${base()}/${tpl.id}`, { description: 'x' }],
      ['DELETE', `${base()}/${tpl.id}`],
      ['GET', `${base()}/${tpl.id}/versions`],
      ['GET', `${base()}/${tpl.id}/versions/1`],
      ['POST', `${base()}/${tpl.id}/promote`, { scope: 'platform' }],
    ] as const) {
      expectError(await api(method, url, body), 404, 'not_found');
    }
    const listed = listOf(Template).parse((await api('GET', base())).json());
    expect(listed.data.map((x) => x.id)).not.toContain(tpl.id);
    // Chats pin versions: the rows stay.
    const row = await t.deps.db
      .selectFrom('templates')
      .select(['deleted_at', 'current_version'])
      .where('id', '=', tpl.id)
      .executeTakeFirstOrThrow();
    expect(row.deleted_at).not.toBeNull();
    expect(await count('template_versions', 'template_id', tpl.id)).toBe(8);
    expect((await eventsOf(tpl.id)).at(-1)).toMatchObject({ type: 'template.deleted' });
    const again = await create({ name: 'k8s triage v2' });
    expect(again.id).not.toBe(tpl.id);
  });
});

describe('names', () => {
  it('are unique among live templates of one scope: 409 template_name_taken on create, rename and promote', async () => {
    const ws = (await opsRequest(t.app, admin, 'POST', '/ops/api/workspaces', { name: 'names-ws' })).json<{
      id: string;
    }>();
    const a = await create({ name: 'runbook' });
    const taken = expectError(await api('POST', base(), { name: 'runbook' }), 409, 'template_name_taken');
    expect(taken.error.param).toBe('name');
    // Another scope may reuse it: the workspace one is the more specific.
    const w = await create({ name: 'runbook', scope: 'workspace', workspace_id: ws.id });
    expect(w).toMatchObject({ scope: 'workspace', workspace_id: ws.id });
    const b = await create({ name: 'runbook 2' });
    expectError(await api('PUT', `${base()}/${b.id}`, { name: 'runbook' }), 409, 'template_name_taken');
    expectError(
      await api('POST', `${base()}/${w.id}/promote`, { scope: 'project' }),
      409,
      'template_name_taken',
    );
    expect(Template.parse((await api('GET', `${base()}/${b.id}`)).json()).version).toBe(1);
    await api('DELETE', `${base()}/${a.id}`);
    const promoted = await api('POST', `${base()}/${w.id}/promote`, { scope: 'project' });
    expect(promoted.json()).toMatchObject({ id: w.id, scope: 'project', workspace_id: null, version: 1 });
  });
});
