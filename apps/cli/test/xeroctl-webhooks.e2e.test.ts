import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebhookEnvelope } from '@xem/protocol';
import { startServer, type StartedServer } from '../../../test-support/start-server';
import {
  startWebhookReceiver,
  verifySignature,
  type WebhookReceiver,
} from '../../../test-support/webhook-receiver';
import { CLI_TEST_TIMEOUT_MS, runXeroctl, type CliResult } from './run-xeroctl';

let server: StartedServer;
let receiver: WebhookReceiver;
let home: string;

const cli = (args: string[]) => runXeroctl(home, args);
const rows = (r: CliResult) =>
  r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t'));
const fields = (r: CliResult) => Object.fromEntries(rows(r).map(([k, ...v]) => [k, v.join('\t')]));

function ok(r: CliResult): CliResult {
  if (r.code !== 0)
    throw new Error(`exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}\nserver:\n${server.output()}`);
  return r;
}

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  server = await startServer({
    env: {
      XEM_LOCAL_AGENT: 'false',
      XEM_WEBHOOKS_ALLOW_HTTP_LOOPBACK: 'true',
      XEM_WEBHOOK_RETRY_BASE_MS: '10',
      XEM_WEBHOOK_MAX_ATTEMPTS: '2',
      XEM_WEBHOOK_TIMEOUT_MS: '2000',
    },
  });
  home = mkdtempSync(join(tmpdir(), 'xeroctl-webhooks-'));
  ok(
    await runXeroctl(
      home,
      ['--base-url', server.baseUrl, 'auth', 'login', '--email', server.adminEmail, '--password-stdin'],
      { stdin: `${server.adminPassword}\n` },
    ),
  );
});

afterAll(async () => {
  await server?.stop();
  await receiver?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe(
  `xeroctl webhooks against the real server (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`,
  { timeout: CLI_TEST_TIMEOUT_MS },
  () => {
    it('creates an endpoint that receives signed events, lists it and its deliveries, tests and redelivers', async () => {
      const url = `${receiver.baseUrl}/hook`;
      const created = ok(
        await cli([
          'webhooks',
          'create',
          '--url',
          url,
          '--events',
          'workspace_created,exec.completed',
          '--description',
          'ci hook',
          '--metadata',
          'team=sre',
          '--metadata',
          'env=test',
        ]),
      );
      const secret = created.stdout.trim();
      expect(secret).toMatch(/^whsec_[0-9A-Za-z]{43}$/);
      expect(created.stderr).toContain('will not be shown again');
      const id = /Created webhook (wh_\w+)/.exec(created.stderr)![1]!;

      const listed = rows(ok(await cli(['webhooks', 'list'])));
      expect(listed).toHaveLength(1);
      expect(listed[0]!.slice(0, 5)).toEqual([
        id,
        url,
        'exec.completed,exec.workspace_created',
        'yes',
        'ci hook',
      ]);
      const shown = fields(ok(await cli(['webhooks', 'show', id])));
      expect(shown).toMatchObject({ ID: id, URL: url, METADATA: 'env=test,team=sre', ENABLED: 'yes' });
      expect(secret.startsWith(shown.SECRET_PREFIX!)).toBe(true);

      // A real event, through the server's fan-out and delivery worker.
      ok(await cli(['workspaces', 'create', 'hooked']));
      const [got] = await receiver.waitFor('/hook', 1, 30_000);
      expect(verifySignature(secret, got!)).toBe(true);
      const envelope = WebhookEnvelope.parse(JSON.parse(got!.body));
      expect(envelope).toMatchObject({ type: 'exec.workspace_created', data: { name: 'hooked' } });

      let deliveries: string[][] = [];
      for (let i = 0; i < 100; i++) {
        deliveries = rows(ok(await cli(['webhooks', 'deliveries', id])));
        if (deliveries[0]?.[3] === 'succeeded') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(deliveries).toHaveLength(1);
      const [deliveryId, eventId, type, status, attempts, code] = deliveries[0]!;
      expect([eventId, type, status, attempts, code]).toEqual([
        envelope.id,
        'exec.workspace_created',
        'succeeded',
        '1',
        '200',
      ]);
      const one = fields(ok(await cli(['webhooks', 'deliveries', id, deliveryId!])));
      expect(one).toMatchObject({ ID: deliveryId, STATUS: 'succeeded', BODY: got!.body });
      expect(one.ATTEMPT_1).toMatch(/ 200 \d+ms$/);

      const tested = ok(await cli(['webhooks', 'test', id]));
      expect(fields(tested)).toMatchObject({ TYPE: 'exec.test', STATUS: 'succeeded', LAST_CODE: '200' });
      expect(tested.stderr).toContain('the endpoint answered 200');
      expect(verifySignature(secret, receiver.received('/hook').at(-1)!)).toBe(true);

      receiver.on('/hook', () => ({ status: 500, body: 'nope' }));
      const failing = await cli(['webhooks', 'test', id]);
      expect(failing.code).toBe(1);
      expect(failing.stderr).toContain('did not accept');
      expect(failing.stderr).toContain('endpoint answered 500');

      receiver.on('/hook', () => ({ status: 200 }));
      const again = ok(await cli(['webhooks', 'redeliver', id, deliveryId!]));
      expect(fields(again)).toMatchObject({ ID: deliveryId, STATUS: 'succeeded', ATTEMPTS: '2' });
      // The failed test delivery is retried meanwhile too: pick this delivery's requests.
      const resent = receiver.received('/hook').filter((r) => r.headers['x-xem-delivery-id'] === deliveryId);
      expect(resent.map((r) => r.body)).toEqual([got!.body, got!.body]);

      const json = JSON.parse(
        ok(await cli(['-o', 'json', 'webhooks', 'deliveries', id, '--status', 'succeeded'])).stdout,
      );
      expect(json.data.map((d: { type: string }) => d.type)).toContain('exec.workspace_created');
    });

    it('updates, rotates the secret and deletes; refuses bad input with the documented exit codes', async () => {
      const created = ok(
        await cli(['webhooks', 'create', '--url', `${receiver.baseUrl}/other`, '--events', 'exec.failed']),
      );
      const id = /Created webhook (wh_\w+)/.exec(created.stderr)![1]!;
      const updated = fields(
        ok(
          await cli([
            'webhooks',
            'update',
            id,
            '--disable',
            '--events',
            'timeout,failed',
            '--clear-metadata',
          ]),
        ),
      );
      expect(updated).toMatchObject({ ENABLED: 'no', EVENTS: 'exec.failed,exec.timeout', METADATA: '' });
      const disabledTest = await cli(['webhooks', 'test', id]);
      expect(disabledTest.code).toBe(1);
      expect(disabledTest.stderr).toContain('code conflict');

      const rotated = ok(await cli(['webhooks', 'rotate-secret', id]));
      expect(rotated.stdout.trim()).toMatch(/^whsec_/);
      expect(rotated.stdout.trim()).not.toBe(created.stdout.trim());

      expect((await cli(['webhooks', 'update', id])).code).toBe(2);
      expect((await cli(['webhooks', 'update', id, '--enable', '--disable'])).code).toBe(2);
      expect(
        (await cli(['webhooks', 'create', '--url', 'https://h.example.test', '--events', 'exec.nope'])).code,
      ).toBe(2);
      const http = await cli([
        'webhooks',
        'create',
        '--url',
        'http://hooks.example.test/x',
        '--events',
        'failed',
      ]);
      expect(http.code).toBe(1);
      expect(http.stderr).toContain('code webhook_url_not_allowed');

      const deleted = ok(await cli(['webhooks', 'delete', id]));
      expect(deleted.stderr).toContain(`Deleted webhook ${id}`);
      const gone = await cli(['webhooks', 'show', id]);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toContain('code not_found');
    });
  },
);
