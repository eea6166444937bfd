import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../test/fake-agent';
import { webhookHarness, type WebhookHarness } from '../../test/webhook-fixtures';
import { EventHub } from '../events/event-hub';
import { fanOutEvents } from './fan-out-events';
import { MAX_IN_FLIGHT } from './start-delivery-worker';
import { startWebhookLoops } from './start-webhook-loops';

let wh: WebhookHarness;
beforeAll(async () => {
  wh = await webhookHarness();
});
afterAll(() => wh.close());

describe('fan-out across processes', () => {
  it.skipIf(!process.env.DATABASE_URL)(
    'a replica that finds the cursor locked leaves the batch to the holder',
    async () => {
      await wh.t.deps.db.transaction().execute(async (trx) => {
        await trx.selectFrom('webhook_fanout').selectAll().forUpdate().execute();
        expect(await fanOutEvents(wh.t.deps.db, await wh.t.deps.hub.watermark())).toBe('busy');
      });
    },
  );

  it('concurrent fan-outs insert each delivery once', async () => {
    const h = await wh.endpoint('/race', ['exec.workspace_created']);
    await wh.stopLoops();
    await wh.createWorkspace('race-ws');
    await wh.t.deps.hub.poke();
    const watermark = await wh.t.deps.hub.watermark();
    await Promise.all(Array.from({ length: 4 }, () => fanOutEvents(wh.t.deps.db, watermark)));
    // Replaying from an older cursor (as after a crash before commit) adds nothing either.
    await wh.t.deps.db.updateTable('webhook_fanout').set({ last_event_id: '0' }).execute();
    await fanOutEvents(wh.t.deps.db, watermark);
    const rows = await wh.t.deps.db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('webhook_id', '=', h.webhook.id)
      .execute();
    expect(rows).toHaveLength(1);
    await wh.restartLoops();
    await wh.receiver.waitFor('/race', 1);
    await wh.remove(h);
  });

  it('two processes on one database deliver each event once', async () => {
    const h = await wh.endpoint('/twice', ['exec.workspace_created']);
    const hub = new EventHub(wh.t.deps.db, wh.t.deps.listen, { delivery: 'signal', pollIntervalMs: 200 });
    const stopSecond = await startWebhookLoops({ ...wh.t.deps, hub });
    try {
      for (let i = 0; i < 12; i++) await wh.createWorkspace(`twice-${i}`);
      const got = await wh.receiver.waitFor('/twice', 12);
      await wh.settle();
      await new Promise((r) => setTimeout(r, 300));
      expect(wh.receiver.received('/twice')).toHaveLength(12);
      expect(new Set(got.map((r) => r.headers['x-xem-event-id'])).size).toBe(12);
      const list = await wh.deliveries(h);
      expect(list.map((d) => [d.status, d.attempts])).toEqual(Array(12).fill(['succeeded', 1]));
    } finally {
      await stopSecond();
      await hub.close();
    }
    await wh.remove(h);
  });

  it(`sends at most ${MAX_IN_FLIGHT} at once per process, and works through a backlog`, async () => {
    wh.receiver.on('/many', () => ({ status: 200, delayMs: 200 }));
    const h = await wh.endpoint('/many', ['exec.workspace_created']);
    await wh.stopLoops();
    for (let i = 0; i < MAX_IN_FLIGHT + 4; i++) await wh.createWorkspace(`backlog-${i}`);
    await wh.restartLoops();
    const got = await wh.receiver.waitFor('/many', MAX_IN_FLIGHT + 4);
    const arrivals = got.map((r) => r.at).sort((x, y) => x - y);
    // The first slots free up only once their answers (200 ms) came back.
    expect(arrivals[MAX_IN_FLIGHT]! - arrivals[0]!).toBeGreaterThanOrEqual(150);
    await waitFor(
      async () => (await wh.deliveries(h)).every((d) => d.status === 'succeeded'),
      'the backlog to be delivered',
    );
    await wh.remove(h);
  });

  it('stopping waits for the attempt in flight and records it', async () => {
    wh.receiver.on('/inflight', () => ({ status: 202, delayMs: 300 }));
    const h = await wh.endpoint('/inflight', ['exec.workspace_created']);
    await wh.createWorkspace('inflight-ws');
    await wh.receiver.waitFor('/inflight', 1);
    await wh.stopLoops();
    const [d] = await wh.deliveries(h);
    expect(d).toMatchObject({ status: 'succeeded', last_status_code: 202 });
    await wh.restartLoops();
    await wh.remove(h);
  });
});
