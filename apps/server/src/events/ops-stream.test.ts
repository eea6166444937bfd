import { afterEach, describe, expect, it } from 'vitest';
import { StreamConnected, StreamHeartbeat } from '@xem/protocol';
import { listenApp, openStream, type TestStream } from '../../test/sse-client';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  createTestApp,
  login,
  opsRequest,
  seedMembership,
  seedProject,
  seedUser,
  type TestApp,
} from '../../test/test-app';
import { appendEvent } from './append-event';

let t: TestApp | undefined;
const open: TestStream[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) s.close();
  await t?.close();
  t = undefined;
});

async function start(env: Record<string, string> = {}) {
  t = await createTestApp(env);
  const base = await listenApp(t);
  const admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  const stream = async (headers: Record<string, string> = {}, cookie = admin.cookie, query = '') => {
    const s = await openStream(`${base}/ops/stream${query}`, { cookie, ...headers });
    open.push(s);
    return s;
  };
  return { t, base, admin, stream };
}

async function emit(t: TestApp, projectId: string, type: string, payload: Record<string, unknown>) {
  return t.deps.db.transaction().execute((trx) => appendEvent(trx, projectId, type, payload));
}

describe('GET /ops/stream', () => {
  it('starts with retry and ox.connection.connected, then carries events of the active project', async () => {
    const { t, stream } = await start();
    const s = await stream();
    expect(s.status).toBe(200);
    expect(s.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(s.headers['cache-control']).toMatch(/no-cache/);
    const connected = await s.waitFor((f) => f.event === 'ox.connection.connected', 'connected');
    expect(s.frames[0]!.retry).toBe('2000');
    expect(connected.id).toBeNull();
    const body = StreamConnected.parse(connected.data);
    expect(body).toMatchObject({ project_id: t.projectId, delivery: 'signal', poll_interval_ms: 2000 });
    expect(body.heartbeat_interval_ms).toBe(30_000);
    expect(body.max_duration_s).toBe(3600);

    const id = await emit(t, t.projectId, 'agent.online', { id: 'agt_x', status: 'online' });
    const f = await s.waitFor((x) => x.event === 'ox.agent.online', 'agent.online');
    expect(f.id).toBe(id);
    expect(f.data).toEqual({ id: 'agt_x', status: 'online' });
  });

  it('maps payloads as the seed documents them', async () => {
    const { t, stream } = await start();
    const s = await stream();
    await s.waitFor((f) => f.event === 'ox.connection.connected', 'connected');
    const exec = {
      id: 'exe_1',
      status: 'failed',
      tool: 'echo',
      error: { code: 'tool_exit', message: 'exit 3' },
    };
    await emit(t, t.projectId, 'execution.failed', exec);
    await emit(t, t.projectId, 'approval.decided', {
      id: 'apr_1',
      decision: 'approved',
      decided_by: 'usr_1',
    });
    await emit(t, t.projectId, 'approval.escalated', { id: 'apr_1', stage_index: 1 });
    await emit(t, t.projectId, 'member.added', { user_id: 'usr_2' });
    await emit(t, t.projectId, 'manifest.updated', { agent_id: 'agt_1', added: ['echo'] });
    const failed = await s.waitFor((f) => f.event === 'ox.execution.failed', 'failed');
    expect(failed.data).toEqual({
      ...exec,
      envelope: { error: { message: 'exit 3', type: 'execution_error', code: 'tool_exit', param: null } },
    });
    expect((await s.waitFor((f) => f.event === 'ox.approval.decided', 'decided')).data).toEqual({
      id: 'apr_1',
    });
    expect((await s.waitFor((f) => f.event === 'ox.approval.escalated', 'escalated')).data).toEqual({
      id: 'apr_1',
      stage_index: 1,
    });
    await s.waitFor((f) => f.event === 'ox.manifest.updated', 'manifest');
    // Internal events with no ox.* name (memberships) never reach the stream.
    expect(s.frames.some((f) => f.event?.includes('member'))).toBe(false);
  });

  it('refuses a foreign Origin and a missing session', async () => {
    const { base, stream } = await start();
    const foreign = await stream({ origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.errorBody).toMatchObject({ error: { code: 'origin_forbidden' } });
    const crossSite = await stream({ 'sec-fetch-site': 'cross-site' });
    expect(crossSite.status).toBe(403);
    const same = await stream({ origin: base });
    expect(same.status).toBe(200);
    const anon = await openStream(`${base}/ops/stream`);
    open.push(anon);
    expect(anon.status).toBe(401);
    expect(anon.errorBody).toMatchObject({ error: { code: 'authentication_required' } });
  });

  it('sends a heartbeat every N polls and closes at the maximum lifetime, asking for a reconnect', async () => {
    const { stream } = await start({
      XEM_STREAM_POLL_INTERVAL_MS: '40',
      XEM_STREAM_HEARTBEAT_POLLS: '3',
      XEM_STREAM_MAX_LIFETIME_SECONDS: '1',
    });
    const s = await stream();
    const closing = await s.waitFor((f) => f.event === 'ox.connection.closing', 'closing', 4000);
    expect(closing.data).toEqual({ reason: 'max_lifetime', reconnect: true });
    await s.ended;
    const beats = s.frames.filter((f) => f.event === 'ox.connection.heartbeat');
    // 1 s of 40 ms polls is 25 polls: 8 heartbeats at polls 3, 6, … (timer jitter allowed).
    expect(beats.length).toBeGreaterThanOrEqual(5);
    expect(beats.length).toBeLessThanOrEqual(9);
    for (const [i, b] of beats.entries()) {
      expect(b.id).toBeNull();
      expect(StreamHeartbeat.parse(b.data).polls).toBe((i + 1) * 3);
    }
    expect(s.frames.at(-1)!.event).toBe('ox.connection.closing');
  });

  it('never leaks events of other projects (three projects, three viewers)', async () => {
    const { t, base, admin } = await start();
    const projects = [t.projectId, (await seedProject(t)).id, (await seedProject(t)).id];
    const viewers: TestStream[] = [];
    for (const p of projects) {
      const u = await seedUser(t);
      await seedMembership(t, p, u.id, 'member');
      const b = await login(t.app, u.email, u.password);
      const sel = await opsRequest(t.app, b, 'POST', '/ops/session/project', { project_id: p });
      expect(sel.statusCode, sel.body).toBe(200);
      const s = await openStream(`${base}/ops/stream`, { cookie: b.cookie });
      open.push(s);
      await s.waitFor((f) => f.event === 'ox.connection.connected', 'connected');
      viewers.push(s);
    }
    void admin;
    for (let round = 0; round < 5; round++) {
      for (const [i, p] of projects.entries()) {
        await emit(t, p, 'execution.created', { id: `exe_${i}_${round}`, project: p });
      }
    }
    for (const [i, s] of viewers.entries()) {
      await s.waitFor((f) => (f.data as { id?: string } | null)?.id === `exe_${i}_4`, `last of project ${i}`);
      const seen = s.facts().map((f) => (f.data as { project: string }).project);
      expect(seen).toHaveLength(5);
      expect(new Set(seen)).toEqual(new Set([projects[i]]));
    }
  });
});
