import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { XemApiError, XemClient } from './index';

const at = '2026-01-01T00:00:00.000Z';
const fields = {
  name: 'triage',
  description: '',
  system_prompt: 'Be careful.',
  allowed_tools: ['kubectl_get'],
  approval_policy: 'standard',
  applicable_workspace_types: [],
  tags: [],
  metadata: {},
};
const template = {
  id: 'tpl_1',
  scope: 'project',
  workspace_id: null,
  version: 2,
  ...fields,
  created_by: 'usr_1',
  created_at: at,
  updated_by: 'usr_1',
  updated_at: at,
  deleted_at: null,
};
const version = { template_id: 'tpl_1', version: 1, ...fields, created_by: 'usr_1', created_at: at };

let server: Server;
let baseUrl: string;
let seen: { method: string; url: string; body: string }[] = [];
let reply = { status: 200, body: '{}' };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, body });
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  seen = [];
});

const answer = (body: unknown, status = 200) => (reply = { status, body: JSON.stringify(body) });
const last = () => seen.at(-1)!;
const call = () => `${last().method} ${last().url}`;

describe('XemClient.templates', () => {
  const api = () => new XemClient({ baseUrl, apiKey: 'xero_default_k', projectId: 'proj_1' }).templates;

  it('maps every call to its management route', async () => {
    const t = api();
    answer({ data: [template], next_cursor: 'c2' });
    expect(
      (await t.list({ limit: 5, scope: 'project', q: 'tri', include_platform: false })).next_cursor,
    ).toBe('c2');
    expect(call()).toBe(
      'GET /proj_1/v1/management/templates?limit=5&scope=project&q=tri&include_platform=false',
    );
    await t.list({ workspace_id: 'ws_1' });
    expect(call()).toBe('GET /proj_1/v1/management/templates?workspace_id=ws_1');

    answer(template, 201);
    expect((await t.create({ name: 'triage', allowed_tools: ['kubectl_get'] })).id).toBe('tpl_1');
    expect([call(), JSON.parse(last().body)]).toEqual([
      'POST /proj_1/v1/management/templates',
      { name: 'triage', allowed_tools: ['kubectl_get'] },
    ]);
    answer(template);
    await t.get('tpl 1');
    expect(call()).toBe('GET /proj_1/v1/management/templates/tpl%201');
    await t.update('tpl_1', { approval_policy: 'restricted' });
    expect([call(), JSON.parse(last().body)]).toEqual([
      'PUT /proj_1/v1/management/templates/tpl_1',
      { approval_policy: 'restricted' },
    ]);
    await t.delete('tpl_1');
    expect(call()).toBe('DELETE /proj_1/v1/management/templates/tpl_1');
    await t.promote('tpl_1', 'platform');
    expect([call(), JSON.parse(last().body)]).toEqual([
      'POST /proj_1/v1/management/templates/tpl_1/promote',
      { scope: 'platform' },
    ]);

    answer({ data: [version], next_cursor: null });
    expect((await t.versions('tpl_1', { limit: 2, cursor: 'abc' })).data[0]!.version).toBe(1);
    expect(call()).toBe('GET /proj_1/v1/management/templates/tpl_1/versions?limit=2&cursor=abc');
    answer(version);
    expect((await t.version('tpl_1', 1)).template_id).toBe('tpl_1');
    expect(call()).toBe('GET /proj_1/v1/management/templates/tpl_1/versions/1');
  });

  it('surfaces the error envelope, refuses an answer outside the protocol, and needs a project', async () => {
    answer(
      {
        error: {
          message: 'a template named "triage" already exists in this project',
          type: 'conflict_error',
          code: 'template_name_taken',
          param: 'name',
        },
      },
      409,
    );
    const err = await api()
      .create({ name: 'triage' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(XemApiError);
    expect(err).toMatchObject({ code: 'template_name_taken', param: 'name', status: 409 });
    answer({ ...template, scope: 'galaxy' });
    await expect(api().get('tpl_1')).rejects.toMatchObject({ code: 'unexpected_response' });
    await expect(new XemClient({ baseUrl }).templates.list()).rejects.toThrow(/project-scoped/);
  });
});
