import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Template } from '@xem/protocol';
import { listenApp, openStream, type TestStream } from '../../test/sse-client';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  createTestApp,
  login,
  opsRequest,
  seedProject,
  type Browser,
  type TestApp,
} from '../../test/test-app';

let t: TestApp;
let admin: Browser;
let owner: Browser;
/** The admin's dashboard stream (default project) and the other project's owner's. */
let mine: TestStream;
let theirs: TestStream;

async function create(b: Browser, body: object): Promise<Template> {
  const res = await opsRequest(t.app, b, 'POST', '/ops/api/templates', body);
  expect(res.statusCode, res.body).toBe(201);
  return Template.parse(res.json());
}

const connected = (s: TestStream) => s.waitFor((f) => f.event === 'ox.connection.connected', 'connected');
const templateIds = (s: TestStream) =>
  s.facts().flatMap((f) => (f.event?.startsWith('ox.template.') ? [[f.event, (f.data as Template).id]] : []));

beforeAll(async () => {
  t = await createTestApp();
  const base = await listenApp(t);
  admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  const other = await seedProject(t);
  owner = await login(t.app, other.owner.email, other.owner.password);
  mine = await openStream(`${base}/ops/stream`, { cookie: admin.cookie });
  theirs = await openStream(`${base}/ops/stream`, { cookie: owner.cookie });
  await Promise.all([connected(mine), connected(theirs)]);
});
afterAll(async () => {
  mine?.close();
  theirs?.close();
  await t.close();
});

describe('ox.template.* on /ops/stream', () => {
  it("a project template's changes reach its project's dashboards only", async () => {
    const tpl = await create(owner, { name: 'theirs only' });
    await opsRequest(t.app, owner, 'PUT', `/ops/api/templates/${tpl.id}`, { description: 'v2' });
    await opsRequest(t.app, owner, 'DELETE', `/ops/api/templates/${tpl.id}`);
    const deleted = await theirs.waitFor((f) => f.event === 'ox.template.deleted', 'template.deleted');
    expect(deleted.data).toMatchObject({ id: tpl.id, version: 2, deleted_at: expect.any(String) });
    expect(templateIds(theirs)).toEqual([
      ['ox.template.created', tpl.id],
      ['ox.template.updated', tpl.id],
      ['ox.template.deleted', tpl.id],
    ]);
    expect(templateIds(mine)).toEqual([]);
  });

  it("a platform template's changes reach every project's dashboards", async () => {
    const tpl = await create(admin, { name: 'for everyone', scope: 'platform' });
    const isIt = (f: { event: string | null; data: unknown }) =>
      f.event === 'ox.template.created' && (f.data as Template).id === tpl.id;
    const there = await theirs.waitFor(isIt, 'platform created there');
    expect(Template.parse(there.data)).toEqual(tpl);
    const here = await mine.waitFor(isIt, 'platform created here');
    expect(here.data).toEqual(there.data);
  });
});
