import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { listenApp, openStream, type TestStream } from '../../test/sse-client';
import { ADMIN_EMAIL, ADMIN_PASSWORD, createTestApp, login, type TestApp } from '../../test/test-app';
import { appendEvent } from './append-event';
import { pruneEvents } from './prune-events';

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
  const stream = async (headers: Record<string, string> = {}, query = '') => {
    const s = await openStream(`${base}/ops/stream${query}`, { cookie: admin.cookie, ...headers });
    open.push(s);
    return s;
  };
  return { t, stream };
}

const emit = (t: TestApp, n: number) =>
  t.deps.db.transaction().execute((trx) => appendEvent(trx, t.projectId, 'agent.updated', { n }));

const ns = (s: TestStream) => s.facts().map((f) => (f.data as { n: number }).n);

describe('resuming /ops/stream', () => {
  it('replays every event after Last-Event-ID in order, then continues live without duplicates', async () => {
    const { t, stream } = await start();
    const ids: string[] = [];
    for (let n = 1; n <= 30; n++) ids.push(await emit(t, n));

    const s = await stream({ 'last-event-id': ids[9]! });
    // Events committed while the replay runs must neither be lost nor repeated.
    const live = (async () => {
      for (let n = 31; n <= 40; n++) await emit(t, n);
    })();
    await live;
    await s.waitFor((f) => (f.data as { n?: number } | null)?.n === 40, 'event 40');
    expect(ns(s)).toEqual(Array.from({ length: 30 }, (_, i) => i + 11));
    const connected = s.frames.find((f) => f.event === 'ox.connection.connected')!;
    expect((connected.data as { resumed_after: string }).resumed_after).toBe(ids[9]);
    const sent = s.facts().map((f) => BigInt(f.id!));
    expect([...sent].sort((a, b) => (a < b ? -1 : 1))).toEqual(sent);
  });

  it('a fresh stream names its head: resuming from it misses nothing committed meanwhile', async () => {
    const { t, stream } = await start();
    await emit(t, 1);
    const first = await stream();
    const c = await first.waitFor((f) => f.event === 'ox.connection.connected', 'connected');
    const head = (c.data as { head_event_id: string }).head_event_id;
    first.close();
    await emit(t, 2);
    const again = await stream({ 'last-event-id': head });
    await again.waitFor((f) => f.id !== null, 'event 2');
    expect(ns(again)).toEqual([2]);
  });

  it('accepts ?last_event_id= for the first connection of an EventSource', async () => {
    const { t, stream } = await start();
    const a = await emit(t, 1);
    await emit(t, 2);
    const s = await stream({}, `?last_event_id=${a}`);
    await s.waitFor((f) => f.id !== null, 'replayed event');
    expect(ns(s)).toEqual([2]);
  });

  it('a resume point past the last event waits for newer ones (a client switching to a replica behind)', async () => {
    const { t, stream } = await start();
    const a = await emit(t, 1);
    const ahead = (BigInt(a) + 1n).toString();
    const s = await stream({ 'last-event-id': ahead });
    await s.waitFor((f) => f.event === 'ox.connection.connected', 'connected');
    await emit(t, 2); // id a+1: the client has it already
    await emit(t, 3);
    await s.waitFor((f) => f.id !== null, 'event 3');
    expect(ns(s)).toEqual([3]);
  });

  it('refuses a malformed Last-Event-ID', async () => {
    const { stream } = await start();
    const s = await stream({ 'last-event-id': 'abc' });
    expect(s.status).toBe(400);
    expect(s.errorBody).toMatchObject({ error: { code: 'invalid_header', param: 'Last-Event-ID' } });
    const q = await stream({}, '?last_event_id=-1');
    expect(q.status).toBe(400);
    expect(q.errorBody).toMatchObject({ error: { code: 'invalid_query' } });
    // Digits beyond a bigint are no event id (the replay query would fail after the 200).
    const big = await stream({ 'last-event-id': '9223372036854775808' });
    expect(big.status).toBe(400);
    expect(big.errorBody).toMatchObject({ error: { code: 'invalid_header', param: 'Last-Event-ID' } });
    const bigQuery = await stream({}, '?last_event_id=9999999999999999999');
    expect(bigQuery.status).toBe(400);
    expect(bigQuery.errorBody).toMatchObject({ error: { code: 'invalid_query' } });
    const max = await stream({ 'last-event-id': '9223372036854775807' });
    await max.waitFor((f) => f.event === 'ox.connection.connected', 'connected at the largest id');
  });

  it('prunes events past the retention window and tells a too-old resume to refetch', async () => {
    const { t, stream } = await start();
    const old1 = await emit(t, 1);
    const old2 = await emit(t, 2);
    await t.deps.db
      .updateTable('events')
      .set({ created_at: sql<Date>`now() - interval '2 days'` })
      .where('id', 'in', [old1, old2])
      .execute();
    const recent = await emit(t, 3);
    expect(await pruneEvents(t.deps.db, 86_400)).toBe(2);
    expect(await pruneEvents(t.deps.db, 86_400)).toBe(0);
    const left = await t.deps.db.selectFrom('events').select('id').where('id', '<=', recent).execute();
    expect(left.map((r) => r.id)).not.toContain(old1);
    expect(left.map((r) => r.id)).toContain(recent);
    const retention = await t.deps.db.selectFrom('event_retention').selectAll().executeTakeFirstOrThrow();
    expect(retention.pruned_through).toBe(old2);

    const tooOld = await stream({ 'last-event-id': old1 });
    const marker = await tooOld.waitFor((f) => f.event === 'ox.connection.resync', 'resync');
    expect(marker.id).toBeNull();
    expect(marker.data).toEqual({ reason: 'too_old', last_event_id: old1, pruned_through: old2 });
    // It carries on live from there.
    await emit(t, 4);
    await tooOld.waitFor((f) => f.id !== null, 'live event');
    expect(ns(tooOld)).toEqual([4]);

    const fine = await stream({ 'last-event-id': old2 });
    await fine.waitFor((f) => (f.data as { n?: number } | null)?.n === 4, 'event 4');
    expect(fine.frames.some((f) => f.event === 'ox.connection.resync')).toBe(false);
    expect(ns(fine)).toEqual([3, 4]);
  });
});
