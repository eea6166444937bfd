import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../test/fake-agent';
import { listenApp, openStream, type TestStream } from '../../test/sse-client';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  bearer,
  createTestApp,
  login,
  opsRequest,
  seedApiKey,
  seedMembership,
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
  t = await createTestApp({ XEM_STREAM_AUTH_CHECK_INTERVAL_MS: '100', ...env });
  const base = await listenApp(t);
  const stream = async (path: string, headers: Record<string, string>) => {
    const s = await openStream(`${base}${path}`, headers);
    open.push(s);
    return s;
  };
  return { t, base, stream };
}

const emit = (t: TestApp, payload: Record<string, unknown>) =>
  t.deps.db.transaction().execute((trx) => appendEvent(trx, t.projectId, 'agent.updated', payload));

describe('stream limits and hygiene', () => {
  it('caps open streams per user and per key with 429 too_many_streams', async () => {
    const { t, stream } = await start({ XEM_STREAM_MAX_PER_USER: '2', XEM_STREAM_MAX_PER_KEY: '1' });
    const admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const a = await stream('/ops/stream', { cookie: admin.cookie });
    await stream('/ops/stream', { cookie: admin.cookie });
    const third = await stream('/ops/stream', { cookie: admin.cookie });
    expect(third.status).toBe(429);
    expect(third.errorBody).toMatchObject({ error: { code: 'too_many_streams', type: 'rate_limit_error' } });
    expect(third.headers['retry-after']).toBeDefined();
    // A key has its own budget; closing a stream frees a slot.
    const user = (
      await t.deps.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', ADMIN_EMAIL)
        .executeTakeFirstOrThrow()
    ).id;
    const { key } = await seedApiKey(t, t.projectId, user, ['execution']);
    const k1 = await stream(`/${t.projectId}/v1/exec/executions/stream`, bearer(key));
    expect(k1.status).toBe(200);
    const k2 = await stream(`/${t.projectId}/v1/exec/executions/stream`, bearer(key));
    expect(k2.status).toBe(429);
    a.close();
    await waitFor(async () => {
      const s = await stream('/ops/stream', { cookie: admin.cookie });
      return s.status === 200;
    }, 'a free slot after closing a stream');
  });

  it('disconnects a reader that stops reading instead of buffering without bound', async () => {
    const { t, stream } = await start({ XEM_STREAM_MAX_BUFFER_BYTES: '65536' });
    const admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const slow = await stream('/ops/stream', { cookie: admin.cookie });
    const fast = await stream('/ops/stream', { cookie: admin.cookie });
    await slow.waitFor((f) => f.event === 'ox.connection.connected', 'connected');
    slow.response.pause();
    // Enough to fill the loopback socket buffers (several MB) and then 8× the 64 KiB cap.
    const blob = 'x'.repeat(16_384);
    let last = '';
    for (let i = 0; i < 4000 && t.deps.hub.subscriberCount > 1; i++) {
      last = await emit(t, { i, blob });
      // In-process PGlite resolves in microtasks: let the sockets (and the fast reader) run.
      await new Promise((r) => setTimeout(r, 2));
    }
    await waitFor(() => t.deps.hub.subscriberCount === 1, 'the slow stream to be dropped');
    // The healthy stream got everything.
    await fast.waitFor((f) => f.id === last, 'last event on the fast stream', 10_000);
  });

  it('closes the streams of a user whose membership is removed, within seconds', async () => {
    const { t, stream } = await start();
    const owner = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const u = await seedUser(t);
    await seedMembership(t, t.projectId, u.id, 'member');
    const b = await login(t.app, u.email, u.password);
    const { key } = await seedApiKey(t, t.projectId, u.id, ['execution']);
    const ops = await stream('/ops/stream', { cookie: b.cookie });
    const pub = await stream(`/${t.projectId}/v1/exec/executions/stream`, bearer(key));
    await ops.waitFor((f) => f.event === 'ox.connection.connected', 'connected');
    const removed = await opsRequest(t.app, owner, 'DELETE', `/ops/api/members/${u.id}`);
    expect(removed.statusCode, removed.body).toBe(200);
    const c1 = await ops.waitFor((f) => f.event === 'ox.connection.closing', 'ops closing', 3000);
    expect(['session_ended', 'access_revoked']).toContain((c1.data as { reason: string }).reason);
    expect((c1.data as { reconnect: boolean }).reconnect).toBe(false);
    const c2 = await pub.waitFor((f) => f.event === 'x_exec.connection.closing', 'public closing', 3000);
    expect(c2.data).toEqual({ reason: 'access_revoked', reconnect: false });
    await ops.ended;
    await pub.ended;
  });

  it('closes a stream when its session ends or its key is revoked', async () => {
    const { t, stream } = await start();
    const admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const s = await stream('/ops/stream', { cookie: admin.cookie });
    await s.waitFor((f) => f.event === 'ox.connection.connected', 'connected');
    const out = await opsRequest(t.app, admin, 'POST', '/ops/logout');
    expect(out.statusCode).toBeLessThan(300);
    const c = await s.waitFor((f) => f.event === 'ox.connection.closing', 'closing', 3000);
    expect(c.data).toEqual({ reason: 'session_ended', reconnect: false });

    const user = (
      await t.deps.db
        .selectFrom('users')
        .select('id')
        .where('email', '=', ADMIN_EMAIL)
        .executeTakeFirstOrThrow()
    ).id;
    const { id, key } = await seedApiKey(t, t.projectId, user, ['execution']);
    const p = await stream(`/${t.projectId}/v1/exec/approvals/stream`, bearer(key));
    await p.waitFor((f) => f.event === 'x_exec.connection.connected', 'connected');
    await t.deps.db
      .updateTable('api_keys')
      .set({ revoked_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute();
    const c2 = await p.waitFor((f) => f.event === 'x_exec.connection.closing', 'closing', 3000);
    expect(c2.data).toEqual({ reason: 'access_revoked', reconnect: false });
  });

  it('delivers an event whose notification was lost within one poll interval', async () => {
    const { t, stream } = await start({ XEM_STREAM_POLL_INTERVAL_MS: '200' });
    const admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const s = await stream('/ops/stream', { cookie: admin.cookie });
    await s.waitFor((f) => f.event === 'ox.connection.connected', 'connected');
    // Inserted without pg_notify: only the poll can find it.
    const row = await t.deps.db
      .insertInto('events')
      .values({ project_id: t.projectId, type: 'agent.updated', payload: JSON.stringify({ silent: true }) })
      .returning('id')
      .executeTakeFirstOrThrow();
    const f = await s.waitFor((x) => x.id === row.id, 'the silent event', 2000);
    expect(f.data).toEqual({ silent: true });
  });

  it('works in poll-only mode', async () => {
    const { t, stream } = await start({ XEM_EVENTS_DELIVERY: 'poll', XEM_STREAM_POLL_INTERVAL_MS: '100' });
    const admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const s = await stream('/ops/stream', { cookie: admin.cookie });
    const c = await s.waitFor((f) => f.event === 'ox.connection.connected', 'connected');
    expect((c.data as { delivery: string }).delivery).toBe('poll');
    const id = await emit(t, { polled: true });
    await s.waitFor((f) => f.id === id, 'polled event', 2000);
  });

  it('ends every stream with a reconnect hint when the server shuts down', async () => {
    const { t, stream } = await start();
    const admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const s = await stream('/ops/stream', { cookie: admin.cookie });
    await s.waitFor((f) => f.event === 'ox.connection.connected', 'connected');
    await t.app.close();
    const c = await s.waitFor((f) => f.event === 'ox.connection.closing', 'closing');
    expect(c.data).toEqual({ reason: 'shutdown', reconnect: true });
    await s.ended;
  });
});
