import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpsOverview } from '@xem/protocol';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  createTestApp,
  login,
  opsRequest,
  type TestApp,
} from '../../test/test-app';
import { adminKey, queueExecutions, seedExecAgent, tool } from '../../test/execution-fixtures';

const web = mkdtempSync(join(tmpdir(), 'xem-web-'));
mkdirSync(join(web, 'assets'));
writeFileSync(
  join(web, 'index.html'),
  '<!doctype html><title>XEM Ops</title><script type="module" src="/ops/assets/app-1a2b.js"></script>',
);
writeFileSync(join(web, 'assets', 'app-1a2b.js'), 'console.log(1)');

let t: TestApp;
let bare: TestApp;
beforeAll(async () => {
  t = await createTestApp({ XEM_WEB_DIR: web });
  bare = await createTestApp({ XEM_WEB_DIR: join(web, 'missing') });
});
afterAll(async () => {
  await t.close();
  await bare.close();
  rmSync(web, { recursive: true, force: true });
});

describe('dashboard pages', () => {
  it('every page route answers the app shell (no-cache), also without a session', async () => {
    for (const url of [
      '/ops',
      '/ops/',
      '/ops/login',
      '/ops/operations?status=queued',
      '/ops/templates/tpl_1/edit',
      '/ops/workspaces/ws_1/chats/chat_1',
    ]) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.body).toContain('/ops/assets/app-1a2b.js');
    }
  });

  it('hashed assets are cached for a year; an unknown asset or /ops/api path is a JSON 404', async () => {
    const js = await t.app.inject({ method: 'GET', url: '/ops/assets/app-1a2b.js' });
    expect(js.statusCode).toBe(200);
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const url of ['/ops/assets/nope.js', '/ops/api/nope', '/ops/stream/nope']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(404);
      expect(res.json()).toMatchObject({ error: { code: 'not_found' } });
    }
  });

  it('server-rendered pages keep their routes (one-time approval link)', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/ops/approval/apr_nope?token=x.y' });
    expect(res.body).not.toContain('/ops/assets/app-1a2b.js');
  });

  it('without a build, pages answer 503 naming the build command', async () => {
    const res = await bare.app.inject({ method: 'GET', url: '/ops/fleet' });
    expect(res.statusCode).toBe(503);
    expect(res.body).toContain('npm run build:web');
  });
});

describe('GET /ops/api/overview', () => {
  it('needs a session', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/ops/api/overview' });
    expect(res.statusCode).toBe(401);
  });

  it('counts agents, queued executions and the per-minute trend of the active project', async () => {
    const b = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const before = OpsOverview.parse((await opsRequest(t.app, b, 'GET', '/ops/api/overview')).json());
    expect(before.executions_per_minute).toHaveLength(60);
    await seedExecAgent(t, { tools: [tool('overview_echo')] });
    await queueExecutions(t, await adminKey(t), 'overview_echo', 3);
    const after = OpsOverview.parse((await opsRequest(t.app, b, 'GET', '/ops/api/overview')).json());
    expect(after.agents_total).toBe(before.agents_total + 1);
    expect(after.queue_depth + after.active_executions).toBe(
      before.queue_depth + before.active_executions + 3,
    );
    const sum = (o: OpsOverview) => o.executions_per_minute.reduce((a, m) => a + m.count, 0);
    expect(sum(after)).toBe(sum(before) + 3);
    expect(after.executions_per_minute.at(-1)!.count).toBeGreaterThanOrEqual(3);
  });
});
