import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CreatedWebhook,
  listOf,
  WebhookDelivery,
  WebhookDeliveryDetail,
  WebhookEnvelope,
  type WebhookEventType,
} from '@xem/protocol';
import { freePort } from '../../../../test-support/start-server';
import {
  startWebhookReceiver,
  verifySignature,
  type WebhookReceiver,
} from '../../../../test-support/webhook-receiver';
import { waitFor } from '../../test/fake-agent';
import { adminKey, connectedAgent, queueExecutions, resultFrame } from '../../test/execution-fixtures';
import { bearer, createTestApp, expectError, type TestApp } from '../../test/test-app';
import { EventHub } from '../events/event-hub';
import { dispatchPass } from '../executions/dispatch-pass';
import { handleExecutionFrame } from '../executions/handle-execution-frame';
import { fanOutEvents } from './fan-out-events';
import { MAX_IN_FLIGHT } from './start-delivery-worker';
import { startWebhookLoops } from './start-webhook-loops';

const MAX_ATTEMPTS = 3;
const TIMEOUT_MS = 1000;

let t: TestApp;
let key: string;
let receiver: WebhookReceiver;
let stopLoops: () => Promise<void>;

beforeAll(async () => {
  t = await createTestApp({
    XEM_WEBHOOKS_ALLOW_HTTP_LOOPBACK: 'true',
    XEM_WEBHOOK_RETRY_BASE_MS: '10',
    XEM_WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    XEM_WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
    XEM_DISPATCH_POLL_INTERVAL_MS: '200',
    XEM_STREAM_POLL_INTERVAL_MS: '200',
  });
  key = await adminKey(t);
  receiver = await startWebhookReceiver();
  stopLoops = await startWebhookLoops(t.deps);
});
afterAll(async () => {
  await stopLoops();
  await receiver.close();
  await t.close();
});

const mgmt = () => `/${t.projectId}/v1/management`;

async function endpoint(path: string, events: WebhookEventType[]): Promise<CreatedWebhook> {
  const res = await t.app.inject({
    method: 'POST',
    url: `${mgmt()}/webhooks`,
    headers: bearer(key),
    payload: { url: `${receiver.baseUrl}${path}`, events },
  });
  expect(res.statusCode, res.body).toBe(201);
  return CreatedWebhook.parse(res.json());
}

async function remove(...hooks: CreatedWebhook[]): Promise<void> {
  for (const h of hooks) {
    await t.app.inject({ method: 'DELETE', url: `${mgmt()}/webhooks/${h.webhook.id}`, headers: bearer(key) });
  }
}

async function deliveries(h: CreatedWebhook): Promise<WebhookDelivery[]> {
  const res = await t.app.inject({
    method: 'GET',
    url: `${mgmt()}/webhooks/${h.webhook.id}/deliveries`,
    headers: bearer(key),
  });
  return listOf(WebhookDelivery).parse(res.json()).data;
}

async function detail(h: CreatedWebhook, deliveryId: string): Promise<WebhookDeliveryDetail> {
  const res = await t.app.inject({
    method: 'GET',
    url: `${mgmt()}/webhooks/${h.webhook.id}/deliveries/${deliveryId}`,
    headers: bearer(key),
  });
  return WebhookDeliveryDetail.parse(res.json());
}

const post = (url: string) => t.app.inject({ method: 'POST', url, headers: bearer(key) });

/** Creates a workspace: its `workspace.created` event is an `exec.workspace_created` webhook. */
async function createWorkspace(name: string): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: `${mgmt()}/workspaces`,
    headers: bearer(key),
    payload: { name },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json<{ id: string }>().id;
}

/**
 * Runs the fan-out to the current head itself (waiting while a loop holds the cursor): nothing
 * it finds may add a delivery twice.
 */
async function settle(): Promise<void> {
  await t.deps.hub.poke();
  const watermark = await t.deps.hub.watermark();
  await waitFor(async () => (await fanOutEvents(t.deps.db, watermark)) !== 'busy', 'the fan-out cursor');
}

describe('an execution completing', () => {
  it('reaches each subscribed endpoint exactly once, signed, with the documented data; others get nothing', async () => {
    const a = await endpoint('/a', ['exec.completed']);
    const b = await endpoint('/b', ['exec.dispatched', 'exec.completed']);
    const c = await endpoint('/c', ['exec.failed']);
    const agent = await connectedAgent(t, ['finish']);
    const [id] = await queueExecutions(t, key, 'finish');
    await dispatchPass(t.deps);
    await handleExecutionFrame(t.deps, { agentId: agent.id, projectId: t.projectId }, resultFrame(id!, 1));

    const [atA] = await receiver.waitFor('/a', 1);
    const atB = await receiver.waitFor('/b', 2);
    await settle();
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.received('/a')).toHaveLength(1);
    expect(receiver.received('/b')).toHaveLength(2);
    expect(receiver.received('/c')).toHaveLength(0);
    expect(await deliveries(c)).toEqual([]);

    const envelope = WebhookEnvelope.parse(JSON.parse(atA!.body));
    const workspace = await t.deps.db
      .selectFrom('executions')
      .select('workspace_id')
      .where('id', '=', id!)
      .executeTakeFirstOrThrow();
    expect(envelope).toMatchObject({
      object: 'event',
      type: 'exec.completed',
      data: {
        invocation_id: id,
        execution_id: id,
        tool_name: 'finish',
        workspace_id: workspace.workspace_id,
        agent_id: agent.id,
        status: 'completed',
        exit_code: 0,
        attempt: 1,
      },
    });
    expect(Math.abs(envelope.created_at - Date.now() / 1000)).toBeLessThan(60);

    expect(atA!.method).toBe('POST');
    expect(atA!.headers['content-type']).toBe('application/json');
    expect(atA!.headers['user-agent']).toMatch(/^xem-webhooks\//);
    expect(atA!.headers['x-xem-event-id']).toBe(envelope.id);
    const timestamp = Number(atA!.headers['x-xem-timestamp']);
    expect(Math.abs(timestamp - Date.now() / 1000)).toBeLessThan(60);
    expect(atA!.headers['x-xem-signature']).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verifySignature(a.secret, atA!)).toBe(true);
    expect(verifySignature(b.secret, atA!)).toBe(false);
    expect(verifySignature(a.secret, { ...atA!, body: atA!.body.replace('finish', 'fInish') })).toBe(false);
    expect(
      verifySignature(a.secret, {
        ...atA!,
        headers: { ...atA!.headers, 'x-xem-timestamp': String(timestamp + 1) },
      }),
    ).toBe(false);

    // The same event carries the same id to every endpoint; b also got the dispatch.
    const atBTypes = atB.map((r) => WebhookEnvelope.parse(JSON.parse(r.body)));
    expect(atBTypes.map((e) => e.type).sort()).toEqual(['exec.completed', 'exec.dispatched']);
    expect(atBTypes.find((e) => e.type === 'exec.completed')!.id).toBe(envelope.id);
    expect(atBTypes.find((e) => e.type === 'exec.dispatched')!.data).toMatchObject({
      invocation_id: id,
      status: 'dispatched',
    });
    expect(atB.every((r) => verifySignature(b.secret, r))).toBe(true);

    const [d] = await deliveries(a);
    expect(d).toMatchObject({
      event_id: envelope.id,
      type: 'exec.completed',
      status: 'succeeded',
      attempts: 1,
      last_status_code: 200,
      last_error: null,
      next_attempt_at: null,
    });
    const full = await detail(a, d!.id);
    expect(full.body).toBe(atA!.body);
    expect(full.history).toMatchObject([
      { attempt: 1, status_code: 200, error: null, response_excerpt: 'ok' },
    ]);
    await remove(a, b, c);
  });
});

describe('retries', () => {
  it('retries a failing endpoint with backoff: 500, 500, then 200 → 3 attempts recorded, succeeded', async () => {
    receiver.on('/r', (n) => (n <= 2 ? { status: 500, body: `boom ${n}` } : { status: 204 }));
    const r = await endpoint('/r', ['exec.workspace_created']);
    const wsId = await createWorkspace('retry-ws');
    await receiver.waitFor('/r', 3);
    const [d] = await waitFor(async () => {
      const list = await deliveries(r);
      return list[0]?.status === 'succeeded' ? list : null;
    }, 'the retried delivery to succeed');
    expect(d).toMatchObject({ attempts: 3, last_status_code: 204, last_error: null, next_attempt_at: null });
    expect(d!.finished_at).not.toBeNull();
    const full = await detail(r, d!.id);
    expect(full.history.map((h) => [h.attempt, h.status_code, h.error, h.response_excerpt])).toEqual([
      [1, 500, 'endpoint answered 500', 'boom 1'],
      [2, 500, 'endpoint answered 500', 'boom 2'],
      [3, 204, null, null],
    ]);
    // Attempts are spaced by the backoff, in order.
    const starts = full.history.map((h) => Date.parse(h.started_at));
    expect(starts[1]!).toBeGreaterThanOrEqual(starts[0]!);
    expect(starts[2]!).toBeGreaterThanOrEqual(starts[1]!);
    const bodies = receiver.received('/r').map((x) => x.body);
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0]!)).toMatchObject({
      type: 'exec.workspace_created',
      data: { workspace_id: wsId },
    });
    expect(receiver.received('/r').every((x) => verifySignature(r.secret, x))).toBe(true);
    await remove(r);
  });

  it(`gives up after ${MAX_ATTEMPTS} attempts (failed); redeliver then sends it again and it succeeds`, async () => {
    let down = true;
    receiver.on('/x', () =>
      down ? { status: 503, body: 'down for maintenance' } : { status: 200, body: 'ok' },
    );
    const x = await endpoint('/x', ['exec.workspace_created']);
    await createWorkspace('failing-ws');
    const [d] = await waitFor(async () => {
      const list = await deliveries(x);
      return list[0]?.status === 'failed' ? list : null;
    }, 'the delivery to fail');
    expect(d).toMatchObject({
      attempts: MAX_ATTEMPTS,
      last_status_code: 503,
      last_error: 'endpoint answered 503',
      next_attempt_at: null,
    });
    expect((await detail(x, d!.id)).history).toHaveLength(MAX_ATTEMPTS);
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.received('/x')).toHaveLength(MAX_ATTEMPTS);

    down = false;
    const res = await post(`${mgmt()}/webhooks/${x.webhook.id}/deliveries/${d!.id}/redeliver`);
    expect(res.statusCode, res.body).toBe(200);
    const again = WebhookDeliveryDetail.parse(res.json());
    expect(again).toMatchObject({
      id: d!.id,
      status: 'succeeded',
      attempts: MAX_ATTEMPTS + 1,
      last_status_code: 200,
    });
    expect(again.history.map((h) => h.status_code)).toEqual([503, 503, 503, 200]);
    const sent = receiver.received('/x');
    expect(sent).toHaveLength(MAX_ATTEMPTS + 1);
    expect(sent.at(-1)!.body).toBe(sent[0]!.body);
    expect(sent.at(-1)!.headers['x-xem-event-id']).toBe(d!.event_id);
    expect(verifySignature(x.secret, sent.at(-1)!)).toBe(true);
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_id', '=', d!.id)
      .execute();
    expect(audit).toEqual([{ action: 'webhook.redeliver' }]);
    await remove(x);
  });

  it('refuses to redeliver a delivery that is still pending (409), and an unknown one (404)', async () => {
    const p = await endpoint('/p', ['exec.failed']);
    await t.deps.db
      .insertInto('webhook_deliveries')
      .values({
        id: 'whd_pendingpendingpend',
        webhook_id: p.webhook.id,
        event_id: null,
        envelope_id: 'evt_000000000000000000000000',
        type: 'exec.failed',
        body: '{}',
        status: 'pending',
        next_attempt_at: new Date(Date.now() + 3_600_000),
      })
      .execute();
    const base = `${mgmt()}/webhooks/${p.webhook.id}/deliveries`;
    const pending = expectError(await post(`${base}/whd_pendingpendingpend/redeliver`), 409, 'conflict');
    expect(pending.error.message).toContain('still pending');
    expectError(await post(`${base}/whd_nonexistent000000000/redeliver`), 404, 'not_found');
    await remove(p);
  });
});

describe('test deliveries', () => {
  it('POST …/test sends a signed exec.test now and answers with the outcome', async () => {
    const h = await endpoint('/t', ['exec.failed']);
    const res = await post(`${mgmt()}/webhooks/${h.webhook.id}/test`);
    expect(res.statusCode, res.body).toBe(200);
    const d = WebhookDeliveryDetail.parse(res.json());
    expect(d).toMatchObject({ type: 'exec.test', status: 'succeeded', attempts: 1, last_status_code: 200 });
    const [got] = receiver.received('/t');
    expect(got!.body).toBe(d.body);
    expect(verifySignature(h.secret, got!)).toBe(true);
    expect(WebhookEnvelope.parse(JSON.parse(got!.body))).toMatchObject({
      id: d.event_id,
      type: 'exec.test',
      data: { webhook_id: h.webhook.id },
    });
    expect((await deliveries(h)).map((x) => x.id)).toEqual([d.id]);
    await remove(h);
  });

  it('reports an endpoint that does not answer in time, or is not there, and schedules a retry', async () => {
    receiver.on('/slow', () => ({ status: 200, delayMs: TIMEOUT_MS * 3 }));
    const slow = await endpoint('/slow', ['exec.failed']);
    const d = WebhookDeliveryDetail.parse((await post(`${mgmt()}/webhooks/${slow.webhook.id}/test`)).json());
    expect(d).toMatchObject({
      status: 'pending',
      last_status_code: null,
      last_error: `no answer within ${TIMEOUT_MS} ms`,
    });
    expect(d.next_attempt_at).not.toBeNull();
    await remove(slow);

    const closed = await endpoint('/gone', ['exec.failed']);
    await t.deps.db
      .updateTable('webhooks')
      .set({ url: `http://127.0.0.1:${await freePort()}/nothing-listens` })
      .where('id', '=', closed.webhook.id)
      .execute();
    const gone = WebhookDeliveryDetail.parse(
      (await post(`${mgmt()}/webhooks/${closed.webhook.id}/test`)).json(),
    );
    expect(gone.last_error).toMatch(/^request failed: ECONNREFUSED/);
    await remove(closed);
  });

  it('a disabled endpoint gets no test (409) and no events', async () => {
    const off = await endpoint('/off', ['exec.workspace_created']);
    await t.app.inject({
      method: 'PATCH',
      url: `${mgmt()}/webhooks/${off.webhook.id}`,
      headers: bearer(key),
      payload: { enabled: false },
    });
    expectError(await post(`${mgmt()}/webhooks/${off.webhook.id}/test`), 409, 'conflict');
    const on = await endpoint('/on', ['exec.workspace_created']);
    await createWorkspace('quiet-ws');
    const late = await endpoint('/late', ['exec.workspace_created']);
    await receiver.waitFor('/on', 1);
    await settle();
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.received('/off')).toHaveLength(0);
    expect(receiver.received('/late')).toHaveLength(0);
    expect(await deliveries(off)).toEqual([]);
    expect(await deliveries(late)).toEqual([]);
    await remove(off, on, late);
  });
});

describe('fan-out across processes', () => {
  it.skipIf(!process.env.DATABASE_URL)(
    'a replica that finds the cursor locked leaves the batch to the holder',
    async () => {
      await t.deps.db.transaction().execute(async (trx) => {
        await trx.selectFrom('webhook_fanout').selectAll().forUpdate().execute();
        expect(await fanOutEvents(t.deps.db, await t.deps.hub.watermark())).toBe('busy');
      });
    },
  );

  it('concurrent fan-outs insert each delivery once', async () => {
    const h = await endpoint('/race', ['exec.workspace_created']);
    await stopLoops();
    await createWorkspace('race-ws');
    await t.deps.hub.poke();
    const watermark = await t.deps.hub.watermark();
    await Promise.all(Array.from({ length: 4 }, () => fanOutEvents(t.deps.db, watermark)));
    // Replaying from an older cursor (as after a crash before commit) adds nothing either.
    await t.deps.db.updateTable('webhook_fanout').set({ last_event_id: '0' }).execute();
    await fanOutEvents(t.deps.db, watermark);
    const rows = await t.deps.db
      .selectFrom('webhook_deliveries')
      .select('id')
      .where('webhook_id', '=', h.webhook.id)
      .execute();
    expect(rows).toHaveLength(1);
    stopLoops = await startWebhookLoops(t.deps);
    await receiver.waitFor('/race', 1);
    await remove(h);
  });

  it('two processes on one database deliver each event once', async () => {
    const h = await endpoint('/twice', ['exec.workspace_created']);
    const hub = new EventHub(t.deps.db, t.deps.listen, { delivery: 'signal', pollIntervalMs: 200 });
    const stopSecond = await startWebhookLoops({ ...t.deps, hub });
    try {
      for (let i = 0; i < 12; i++) await createWorkspace(`twice-${i}`);
      const got = await receiver.waitFor('/twice', 12);
      await settle();
      await new Promise((r) => setTimeout(r, 300));
      expect(receiver.received('/twice')).toHaveLength(12);
      expect(new Set(got.map((r) => r.headers['x-xem-event-id'])).size).toBe(12);
      const list = await deliveries(h);
      expect(list.map((d) => [d.status, d.attempts])).toEqual(Array(12).fill(['succeeded', 1]));
    } finally {
      await stopSecond();
      await hub.close();
    }
    await remove(h);
  });

  it(`sends at most ${MAX_IN_FLIGHT} at once per process, and works through a backlog`, async () => {
    receiver.on('/many', () => ({ status: 200, delayMs: 200 }));
    const h = await endpoint('/many', ['exec.workspace_created']);
    await stopLoops();
    for (let i = 0; i < MAX_IN_FLIGHT + 4; i++) await createWorkspace(`backlog-${i}`);
    stopLoops = await startWebhookLoops(t.deps);
    const got = await receiver.waitFor('/many', MAX_IN_FLIGHT + 4);
    const arrivals = got.map((r) => r.at).sort((x, y) => x - y);
    // The first slots free up only once their answers (200 ms) came back.
    expect(arrivals[MAX_IN_FLIGHT]! - arrivals[0]!).toBeGreaterThanOrEqual(150);
    await waitFor(
      async () => (await deliveries(h)).every((d) => d.status === 'succeeded'),
      'the backlog to be delivered',
    );
    await remove(h);
  });

  it('stopping waits for the attempt in flight and records it', async () => {
    receiver.on('/inflight', () => ({ status: 202, delayMs: 300 }));
    const h = await endpoint('/inflight', ['exec.workspace_created']);
    await createWorkspace('inflight-ws');
    await receiver.waitFor('/inflight', 1);
    await stopLoops();
    const [d] = await deliveries(h);
    expect(d).toMatchObject({ status: 'succeeded', last_status_code: 202 });
    stopLoops = await startWebhookLoops(t.deps);
    await remove(h);
  });
});
