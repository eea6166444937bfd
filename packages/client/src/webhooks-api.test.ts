import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { XemApiError, XemClient } from './index';

const at = '2026-01-01T00:00:00.000Z';
const webhook = {
  id: 'wh_1',
  url: 'https://hooks.example.com/xem',
  events: ['exec.completed'],
  description: '',
  metadata: {},
  enabled: true,
  secret_prefix: 'whsec_abcdef',
  created_by: 'usr_1',
  created_at: at,
  updated_at: at,
};
const delivery = {
  id: 'whd_1',
  webhook_id: 'wh_1',
  event_id: 'evt_0123456789abcdef01234567',
  type: 'exec.test',
  status: 'succeeded',
  attempts: 1,
  next_attempt_at: null,
  last_status_code: 200,
  last_error: null,
  created_at: at,
  updated_at: at,
  finished_at: at,
};
const detail = {
  ...delivery,
  body: '{}',
  history: [
    { attempt: 1, started_at: at, duration_ms: 5, status_code: 200, error: null, response_excerpt: 'ok' },
  ],
};

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

describe('XemClient.webhooks', () => {
  it('maps every call to its management route', async () => {
    const w = new XemClient({ baseUrl, apiKey: 'xero_default_k', projectId: 'proj_1' }).webhooks;
    answer({ data: [webhook], next_cursor: 'c2' });
    expect((await w.list({ limit: 5 })).next_cursor).toBe('c2');
    expect(call()).toBe('GET /proj_1/v1/management/webhooks?limit=5');

    answer({ secret: 'whsec_x', webhook }, 201);
    expect((await w.create({ url: webhook.url, events: ['exec.completed'] })).secret).toBe('whsec_x');
    expect(call()).toBe('POST /proj_1/v1/management/webhooks');
    expect(JSON.parse(last().body)).toEqual({ url: webhook.url, events: ['exec.completed'] });
    await w.rotateSecret('wh_1');
    expect(call()).toBe('POST /proj_1/v1/management/webhooks/wh_1/rotate-secret');

    answer(webhook);
    await w.get('wh 1');
    expect(call()).toBe('GET /proj_1/v1/management/webhooks/wh%201');
    await w.update('wh_1', { enabled: false });
    expect([call(), JSON.parse(last().body)]).toEqual([
      'PATCH /proj_1/v1/management/webhooks/wh_1',
      { enabled: false },
    ]);
    await w.delete('wh_1');
    expect(call()).toBe('DELETE /proj_1/v1/management/webhooks/wh_1');

    answer(detail);
    expect((await w.test('wh_1')).history).toHaveLength(1);
    expect([call(), last().body]).toEqual(['POST /proj_1/v1/management/webhooks/wh_1/test', '']);
    await w.getDelivery('wh_1', 'whd_1');
    expect(call()).toBe('GET /proj_1/v1/management/webhooks/wh_1/deliveries/whd_1');
    await w.redeliver('wh_1', 'whd_1');
    expect(call()).toBe('POST /proj_1/v1/management/webhooks/wh_1/deliveries/whd_1/redeliver');

    answer({ data: [delivery], next_cursor: null });
    await w.listDeliveries('wh_1', { status: 'failed', limit: 2, cursor: 'abc' });
    expect(call()).toBe(
      'GET /proj_1/v1/management/webhooks/wh_1/deliveries?status=failed&limit=2&cursor=abc',
    );
  });

  it('surfaces the error envelope, and needs a project', async () => {
    const w = new XemClient({ baseUrl, apiKey: 'xero_default_k', projectId: 'proj_1' }).webhooks;
    answer(
      {
        error: {
          message: 'url must use https',
          type: 'invalid_request_error',
          code: 'webhook_url_not_allowed',
          param: 'url',
        },
      },
      400,
    );
    const err = await w.create({ url: 'http://x', events: ['exec.failed'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(XemApiError);
    expect(err).toMatchObject({ code: 'webhook_url_not_allowed', param: 'url', status: 400 });
    await expect(new XemClient({ baseUrl }).webhooks.list()).rejects.toThrow(/project-scoped/);
  });
});
