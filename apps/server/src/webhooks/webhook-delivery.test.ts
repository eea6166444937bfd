import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookDeliveryDetail, WebhookEnvelope } from '@xem/protocol';
import { freePort } from '../../../../test-support/start-server';
import { verifySignature } from '../../../../test-support/webhook-receiver';
import { connectedAgent, queueExecutions, resultFrame } from '../../test/execution-fixtures';
import { waitFor } from '../../test/fake-agent';
import { bearer, expectError } from '../../test/test-app';
import { webhookHarness, type WebhookHarness } from '../../test/webhook-fixtures';
import { dispatchPass } from '../executions/dispatch-pass';
import { handleExecutionFrame } from '../executions/handle-execution-frame';

const MAX_ATTEMPTS = 3;
const TIMEOUT_MS = 1000;

let wh: WebhookHarness;
beforeAll(async () => {
  wh = await webhookHarness({
    XEM_WEBHOOK_MAX_ATTEMPTS: String(MAX_ATTEMPTS),
    XEM_WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
  });
});
afterAll(() => wh.close());

describe('an execution completing', () => {
  it('reaches each subscribed endpoint exactly once, signed, with the documented data; others get nothing', async () => {
    const a = await wh.endpoint('/a', ['exec.completed']);
    const b = await wh.endpoint('/b', ['exec.dispatched', 'exec.completed']);
    const c = await wh.endpoint('/c', ['exec.failed']);
    const agent = await connectedAgent(wh.t, ['finish']);
    const [id] = await queueExecutions(wh.t, wh.key, 'finish');
    await dispatchPass(wh.t.deps);
    await handleExecutionFrame(
      wh.t.deps,
      { agentId: agent.id, projectId: wh.t.projectId },
      resultFrame(id!, 1),
    );

    const [atA] = await wh.receiver.waitFor('/a', 1);
    const atB = await wh.receiver.waitFor('/b', 2);
    await wh.settle();
    await new Promise((r) => setTimeout(r, 300));
    expect(wh.receiver.received('/a')).toHaveLength(1);
    expect(wh.receiver.received('/b')).toHaveLength(2);
    expect(wh.receiver.received('/c')).toHaveLength(0);
    expect(await wh.deliveries(c)).toEqual([]);

    const envelope = WebhookEnvelope.parse(JSON.parse(atA!.body));
    const workspace = await wh.t.deps.db
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

    const [d] = await wh.deliveries(a);
    expect(d).toMatchObject({
      event_id: envelope.id,
      type: 'exec.completed',
      status: 'succeeded',
      attempts: 1,
      last_status_code: 200,
      last_error: null,
      next_attempt_at: null,
    });
    const full = await wh.detail(a, d!.id);
    expect(full.body).toBe(atA!.body);
    expect(full.history).toMatchObject([
      { attempt: 1, status_code: 200, error: null, response_excerpt: 'ok' },
    ]);
    await wh.remove(a, b, c);
  });
});

describe('retries', () => {
  it('retries a failing endpoint with backoff: 500, 500, then 200 → 3 attempts recorded, succeeded', async () => {
    wh.receiver.on('/r', (n) => (n <= 2 ? { status: 500, body: `boom ${n}` } : { status: 204 }));
    const r = await wh.endpoint('/r', ['exec.workspace_created']);
    const wsId = await wh.createWorkspace('retry-ws');
    await wh.receiver.waitFor('/r', 3);
    const [d] = await waitFor(async () => {
      const list = await wh.deliveries(r);
      return list[0]?.status === 'succeeded' ? list : null;
    }, 'the retried delivery to succeed');
    expect(d).toMatchObject({ attempts: 3, last_status_code: 204, last_error: null, next_attempt_at: null });
    expect(d!.finished_at).not.toBeNull();
    const full = await wh.detail(r, d!.id);
    expect(full.history.map((h) => [h.attempt, h.status_code, h.error, h.response_excerpt])).toEqual([
      [1, 500, 'endpoint answered 500', 'boom 1'],
      [2, 500, 'endpoint answered 500', 'boom 2'],
      [3, 204, null, null],
    ]);
    // Attempts are spaced by the backoff, in order.
    const starts = full.history.map((h) => Date.parse(h.started_at));
    expect(starts[1]!).toBeGreaterThanOrEqual(starts[0]!);
    expect(starts[2]!).toBeGreaterThanOrEqual(starts[1]!);
    const bodies = wh.receiver.received('/r').map((x) => x.body);
    expect(new Set(bodies).size).toBe(1);
    expect(JSON.parse(bodies[0]!)).toMatchObject({
      type: 'exec.workspace_created',
      data: { workspace_id: wsId },
    });
    expect(wh.receiver.received('/r').every((x) => verifySignature(r.secret, x))).toBe(true);
    await wh.remove(r);
  });

  it(`gives up after ${MAX_ATTEMPTS} attempts (failed); redeliver then sends it again and it succeeds`, async () => {
    let down = true;
    wh.receiver.on('/x', () =>
      down ? { status: 503, body: 'down for maintenance' } : { status: 200, body: 'ok' },
    );
    const x = await wh.endpoint('/x', ['exec.workspace_created']);
    await wh.createWorkspace('failing-ws');
    const [d] = await waitFor(async () => {
      const list = await wh.deliveries(x);
      return list[0]?.status === 'failed' ? list : null;
    }, 'the delivery to fail');
    expect(d).toMatchObject({
      attempts: MAX_ATTEMPTS,
      last_status_code: 503,
      last_error: 'endpoint answered 503',
      next_attempt_at: null,
    });
    expect((await wh.detail(x, d!.id)).history).toHaveLength(MAX_ATTEMPTS);
    await new Promise((r) => setTimeout(r, 200));
    expect(wh.receiver.received('/x')).toHaveLength(MAX_ATTEMPTS);

    down = false;
    const res = await wh.post(`${wh.mgmt()}/webhooks/${x.webhook.id}/deliveries/${d!.id}/redeliver`);
    expect(res.statusCode, res.body).toBe(200);
    const again = WebhookDeliveryDetail.parse(res.json());
    expect(again).toMatchObject({
      id: d!.id,
      status: 'succeeded',
      attempts: MAX_ATTEMPTS + 1,
      last_status_code: 200,
    });
    expect(again.history.map((h) => h.status_code)).toEqual([503, 503, 503, 200]);
    const sent = wh.receiver.received('/x');
    expect(sent).toHaveLength(MAX_ATTEMPTS + 1);
    expect(sent.at(-1)!.body).toBe(sent[0]!.body);
    expect(sent.at(-1)!.headers['x-xem-event-id']).toBe(d!.event_id);
    expect(verifySignature(x.secret, sent.at(-1)!)).toBe(true);
    const audit = await wh.t.deps.db
      .selectFrom('audit_log')
      .select('action')
      .where('target_id', '=', d!.id)
      .execute();
    expect(audit).toEqual([{ action: 'webhook.redeliver' }]);
    await wh.remove(x);
  });

  it('refuses to redeliver a delivery that is still pending (409), and an unknown one (404)', async () => {
    const p = await wh.endpoint('/p', ['exec.failed']);
    await wh.t.deps.db
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
    const base = `${wh.mgmt()}/webhooks/${p.webhook.id}/deliveries`;
    const pending = expectError(await wh.post(`${base}/whd_pendingpendingpend/redeliver`), 409, 'conflict');
    expect(pending.error.message).toContain('still pending');
    expectError(await wh.post(`${base}/whd_nonexistent000000000/redeliver`), 404, 'not_found');
    await wh.remove(p);
  });
});

describe('test deliveries', () => {
  it('POST …/test sends a signed exec.test now and answers with the outcome', async () => {
    const h = await wh.endpoint('/t', ['exec.failed']);
    const res = await wh.post(`${wh.mgmt()}/webhooks/${h.webhook.id}/test`);
    expect(res.statusCode, res.body).toBe(200);
    const d = WebhookDeliveryDetail.parse(res.json());
    expect(d).toMatchObject({ type: 'exec.test', status: 'succeeded', attempts: 1, last_status_code: 200 });
    const [got] = wh.receiver.received('/t');
    expect(got!.body).toBe(d.body);
    expect(verifySignature(h.secret, got!)).toBe(true);
    expect(WebhookEnvelope.parse(JSON.parse(got!.body))).toMatchObject({
      id: d.event_id,
      type: 'exec.test',
      data: { webhook_id: h.webhook.id },
    });
    expect((await wh.deliveries(h)).map((x) => x.id)).toEqual([d.id]);
    await wh.remove(h);
  });

  it('reports an endpoint that does not answer in time, or is not there, and schedules a retry', async () => {
    wh.receiver.on('/slow', () => ({ status: 200, delayMs: TIMEOUT_MS * 3 }));
    const slow = await wh.endpoint('/slow', ['exec.failed']);
    const d = WebhookDeliveryDetail.parse(
      (await wh.post(`${wh.mgmt()}/webhooks/${slow.webhook.id}/test`)).json(),
    );
    expect(d).toMatchObject({
      status: 'pending',
      last_status_code: null,
      last_error: `no answer within ${TIMEOUT_MS} ms`,
    });
    expect(d.next_attempt_at).not.toBeNull();
    await wh.remove(slow);

    const closed = await wh.endpoint('/gone', ['exec.failed']);
    await wh.t.deps.db
      .updateTable('webhooks')
      .set({ url: `http://127.0.0.1:${await freePort()}/nothing-listens` })
      .where('id', '=', closed.webhook.id)
      .execute();
    const gone = WebhookDeliveryDetail.parse(
      (await wh.post(`${wh.mgmt()}/webhooks/${closed.webhook.id}/test`)).json(),
    );
    expect(gone.last_error).toMatch(/^request failed: ECONNREFUSED/);
    await wh.remove(closed);
  });

  it('a disabled endpoint gets no test (409) and no events', async () => {
    const off = await wh.endpoint('/off', ['exec.workspace_created']);
    await wh.t.app.inject({
      method: 'PATCH',
      url: `${wh.mgmt()}/webhooks/${off.webhook.id}`,
      headers: bearer(wh.key),
      payload: { enabled: false },
    });
    expectError(await wh.post(`${wh.mgmt()}/webhooks/${off.webhook.id}/test`), 409, 'conflict');
    const on = await wh.endpoint('/on', ['exec.workspace_created']);
    await wh.createWorkspace('quiet-ws');
    const late = await wh.endpoint('/late', ['exec.workspace_created']);
    await wh.receiver.waitFor('/on', 1);
    await wh.settle();
    await new Promise((r) => setTimeout(r, 200));
    expect(wh.receiver.received('/off')).toHaveLength(0);
    expect(wh.receiver.received('/late')).toHaveLength(0);
    expect(await wh.deliveries(off)).toEqual([]);
    expect(await wh.deliveries(late)).toEqual([]);
    await wh.remove(off, on, late);
  });
});
