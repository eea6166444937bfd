import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOf, Template, TemplateVersion } from '@xem/protocol';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  bearer,
  createTestApp,
  expectError,
  login,
  opsRequest,
  seedApiKey,
  seedProject,
  type Browser,
  type TestApp,
} from '../../test/test-app';

let t: TestApp;
let key: string;
let admin: Browser;
let wsA: string;
let wsB: string;

const base = () => `/${t.projectId}/v1/management/templates`;
const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: bearer(key), ...(payload ? { payload } : {}) });

async function create(body: object): Promise<Template> {
  const res = await api('POST', base(), body);
  expect(res.statusCode, res.body).toBe(201);
  return Template.parse(res.json());
}

const names = async (query: string) => {
  const res = await api('GET', `${base()}?${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return listOf(Template)
    .parse(res.json())
    .data.map((x) => x.name);
};

beforeAll(async () => {
  t = await createTestApp();
  admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  key = (await seedApiKey(t, t.projectId, admin.userId, ['management'])).key;
  const ws = async (name: string) =>
    (await opsRequest(t.app, admin, 'POST', '/ops/api/workspaces', { name })).json<{ id: string }>().id;
  wsA = await ws('alpha');
  wsB = await ws('beta');
  await create({ name: 'Zulu' });
  await create({ name: 'alpha deploy', scope: 'workspace', workspace_id: wsA });
  await create({ name: 'beta deploy', scope: 'workspace', workspace_id: wsB });
  await create({ name: 'Deploy', scope: 'platform' });
  await create({ name: 'audit' });
});
afterAll(() => t.close());

describe('listing', () => {
  it('sorts by name in byte order and walks every page with the cursor', async () => {
    expect(await names('')).toEqual(['Deploy', 'Zulu', 'alpha deploy', 'audit', 'beta deploy']);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await api('GET', `${base()}?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      const page = listOf(Template).parse(res.json());
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((x) => x.name));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual(['Deploy', 'Zulu', 'alpha deploy', 'audit', 'beta deploy']);
    expectError(await api('GET', `${base()}?cursor=bogus`), 400, 'invalid_query');
  });

  it('filters by scope, by workspace (what a chat there could use), by name and without platform', async () => {
    expect(await names('scope=workspace')).toEqual(['alpha deploy', 'beta deploy']);
    expect(await names('scope=platform')).toEqual(['Deploy']);
    expect(await names(`workspace_id=${wsA}`)).toEqual(['Deploy', 'Zulu', 'alpha deploy', 'audit']);
    expect(await names(`workspace_id=${wsA}&scope=workspace`)).toEqual(['alpha deploy']);
    expect(await names('q=DEPLOY')).toEqual(['Deploy', 'alpha deploy', 'beta deploy']);
    expect(await names('q=%25')).toEqual([]);
    expect(await names('include_platform=false')).toEqual(['Zulu', 'alpha deploy', 'audit', 'beta deploy']);
    expectError(await api('GET', `${base()}?scope=global`), 400, 'invalid_query');
    expectError(await api('GET', `${base()}?include_platform=yes`), 400, 'invalid_query');
    expectError(await api('GET', `${base()}?workspace_id=ws_nope`), 404, 'not_found');
  });

  it('pages versions newest first', async () => {
    const tpl = await create({ name: 'versioned' });
    for (let i = 1; i <= 4; i++) {
      await api('PUT', `${base()}/${tpl.id}`, { description: `edit ${i}` });
    }
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const page = listOf(TemplateVersion).parse(
        (await api('GET', `${base()}/${tpl.id}/versions?limit=2${q}`)).json(),
      );
      seen.push(...page.data.map((v) => v.version));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([5, 4, 3, 2, 1]);
    expectError(await api('GET', `${base()}/${tpl.id}/versions/6`), 404, 'not_found');
    expectError(await api('GET', `${base()}/${tpl.id}/versions/0`), 400, 'invalid_query');
    expectError(await api('GET', `${base()}/${tpl.id}/versions?cursor=bogus`), 400, 'invalid_query');
  });
});

describe('validation: 400 invalid_body naming the field, nothing stored', () => {
  const refused: Array<[object, string]> = [
    [{ name: 'x', allowed_tools: ['ok_tool', 'Bad Tool'] }, 'allowed_tools.1'],
    [{ name: 'x', allowed_tools: 'ok_tool' }, 'allowed_tools'],
    [{ name: 'x', scope: 'workspace' }, 'workspace_id'],
    [{ name: 'x', scope: 'project', workspace_id: 'ws_1' }, 'workspace_id'],
    [{ name: 'x', scope: 'global' }, 'scope'],
    [{ name: 'x', approval_policy: 'lenient' }, 'approval_policy'],
    [{ name: 'x', applicable_workspace_types: ['Kubernetes'] }, 'applicable_workspace_types.0'],
    [{ name: 'x', tags: ['has,comma'] }, 'tags.0'],
    [
      { name: 'x', metadata: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i])) },
      'metadata',
    ],
    [{ name: 'x', metadata: { big: 'y'.repeat(9000) } }, 'metadata'],
    [{ name: 'x', system_prompt: 5 }, 'system_prompt'],
    [{ name: '' }, 'name'],
    [{ name: '-leading dash' }, 'name'],
    [{}, 'name'],
  ];

  it.each(refused)('create %j → param %s', async (body, param) => {
    const before = (await names('')).length;
    expect(expectError(await api('POST', base(), body), 400, 'invalid_body').error.param).toBe(param);
    expect((await names('')).length).toBe(before);
  });

  it('PUT applies the same rules and keeps the template as it was', async () => {
    const tpl = await create({ name: 'strict', allowed_tools: ['a_tool'] });
    const url = `${base()}/${tpl.id}`;
    for (const [body, param] of [
      [{ allowed_tools: ['UPPER'] }, 'allowed_tools.0'],
      [{ approval_policy: 'none' }, 'approval_policy'],
      [{ name: '' }, 'name'],
    ] as const) {
      expect(expectError(await api('PUT', url, body), 400, 'invalid_body').error.param).toBe(param);
    }
    expect(Template.parse((await api('GET', url)).json())).toEqual(tpl);
  });

  it('a workspace of another project is a 404, like a missing one', async () => {
    const other = await seedProject(t);
    const otherKey = (await seedApiKey(t, other.id, other.owner.id, ['management'])).key;
    const theirs = await t.app.inject({
      method: 'POST',
      url: `/${other.id}/v1/management/workspaces`,
      headers: bearer(otherKey),
      payload: { name: 'theirs' },
    });
    const wsId = theirs.json<{ id: string }>().id;
    const res = await api('POST', base(), { name: 'sneaky', scope: 'workspace', workspace_id: wsId });
    expectError(res, 404, 'not_found');
    expectError(await api('GET', `${base()}?workspace_id=${wsId}`), 404, 'not_found');
  });

  it('a tool that no agent offers today is accepted: names are matched exactly when a chat calls one', async () => {
    const tpl = await create({ name: 'future tools', allowed_tools: ['not_installed_yet', 'a.b-c_d'] });
    expect(tpl.allowed_tools).toEqual(['a.b-c_d', 'not_installed_yet']);
  });
});
