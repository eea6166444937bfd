import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOf, Template, TemplateVersion } from '@xem/protocol';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  bearer,
  createTestApp,
  expectError,
  login,
  seedApiKey,
  type TestApp,
} from '../../test/test-app';

let t: TestApp;
let inferenceKey: string;
let managementKey: string;
let executionKey: string;
beforeAll(async () => {
  t = await createTestApp();
  const admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  inferenceKey = (await seedApiKey(t, t.projectId, admin.userId, ['inference'])).key;
  managementKey = (await seedApiKey(t, t.projectId, admin.userId, ['management'])).key;
  executionKey = (await seedApiKey(t, t.projectId, admin.userId, ['execution'])).key;
});
afterAll(() => t.close());

const base = () => `/${t.projectId}/v1/chat-templates`;
const call = (key: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: bearer(key), ...(payload ? { payload } : {}) });

describe('/:project_id/v1/chat-templates (reads: inference or management; writes: management)', () => {
  it('a management key writes; an inference key reads the same templates and versions', async () => {
    const created = await call(managementKey, 'POST', base(), {
      name: 'drain-node',
      allowed_tools: ['echo'],
    });
    expect(created.statusCode, created.body).toBe(201);
    const tpl = Template.parse(created.json());
    const edited = await call(managementKey, 'PUT', `${base()}/${tpl.id}`, { system_prompt: 'Be careful.' });
    expect(Template.parse(edited.json()).version).toBe(2);

    const list = listOf(Template).parse((await call(inferenceKey, 'GET', base())).json());
    expect(list.data.map((x) => x.id)).toContain(tpl.id);
    const one = Template.parse((await call(inferenceKey, 'GET', `${base()}/${tpl.id}`)).json());
    expect(one).toMatchObject({ id: tpl.id, version: 2, system_prompt: 'Be careful.' });
    const v1 = await call(inferenceKey, 'GET', `${base()}/${tpl.id}/versions/1`);
    expect(TemplateVersion.parse(v1.json()).system_prompt).toBe('');
    // The management mount shows the very same template.
    const mgmt = await call(managementKey, 'GET', `/${t.projectId}/v1/management/templates/${tpl.id}`);
    expect(Template.parse(mgmt.json()).version).toBe(2);
  });

  it('an inference key cannot write, and cannot use the management mount', async () => {
    expectError(await call(inferenceKey, 'POST', base(), { name: 'nope' }), 403, 'scope_insufficient');
    const list = listOf(Template).parse((await call(inferenceKey, 'GET', base())).json());
    const id = list.data[0]!.id;
    expectError(
      await call(inferenceKey, 'PUT', `${base()}/${id}`, { tags: ['x'] }),
      403,
      'scope_insufficient',
    );
    expectError(await call(inferenceKey, 'DELETE', `${base()}/${id}`), 403, 'scope_insufficient');
    expectError(
      await call(inferenceKey, 'GET', `/${t.projectId}/v1/management/templates`),
      403,
      'scope_insufficient',
    );
  });

  it('an execution-only key gets neither', async () => {
    expectError(await call(executionKey, 'GET', base()), 403, 'scope_insufficient');
  });
});
