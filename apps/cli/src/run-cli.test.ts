import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bufferIo } from '../test/buffer-io';
import { freePort } from '../../../test-support/start-server';
import { runCli } from './run-cli';

let home: string;
let server: Server;
let baseUrl: string;
let lastHeaders: IncomingHttpHeaders = {};
let reply = { status: 200, body: '{}' };

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'xeroctl-run-'));
  server = createServer((req, res) => {
    lastHeaders = req.headers;
    res
      .writeHead(reply.status, { 'content-type': 'application/json', 'x-request-id': 'req_abc' })
      .end(reply.body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  rmSync(home, { recursive: true, force: true });
  await new Promise<void>((ok) => server.close(() => ok()));
});

async function run(args: string[], env: Record<string, string> = {}) {
  const io = bufferIo();
  const code = await runCli(args, { io, env: { HOME: home, ...env }, version: '1.2.3' });
  return { code, out: io.out(), err: io.err() };
}

const envelope = (code: string, message: string) =>
  JSON.stringify({ error: { message, type: 'x', code, param: null } });

describe('runCli exit codes', () => {
  it('prints the version and exits 0', async () => {
    expect(await run(['--version'])).toEqual({ code: 0, out: '1.2.3\n', err: '' });
  });

  it('exits 2 with usage on stderr for a missing subcommand or a bad flag', async () => {
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.err).toContain('Usage: xeroctl');
    const bad = await run(['keys', 'list', '--bogus']);
    expect(bad).toMatchObject({ code: 2, out: '' });
    expect(bad.err).toContain("error: unknown option '--bogus'");
  });

  it('exits 4 before any request when no key is configured', async () => {
    const r = await run(['--base-url', baseUrl, 'keys', 'list']);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/^error: no API key configured/);
  });

  it('exits 1 when --context names a context that does not exist', async () => {
    const r = await run(['--context', 'nope', '--api-key', 'xero_a_b', 'auth', 'whoami']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('no context named "nope"');
  });

  it('exits 4 on 401 and 403, 1 on other API errors, quoting code and request id', async () => {
    const flags = ['--base-url', baseUrl, '--api-key', 'xero_default_k'];
    reply = { status: 403, body: envelope('owner_required', 'only project owners can list API keys') };
    const denied = await run([...flags, 'auth', 'whoami']);
    expect(denied.code).toBe(4);
    expect(denied.err).toBe(
      'error: only project owners can list API keys (code owner_required, request req_abc)\n',
    );
    expect(lastHeaders['user-agent']).toMatch(/^xeroctl\/1\.2\.3 /);

    reply = { status: 401, body: envelope('invalid_api_key', 'API key is unknown, expired or revoked') };
    const unknown = await run([...flags, 'auth', 'whoami']);
    expect(unknown.code).toBe(4);
    expect(unknown.err).toContain('\nhint: run "xeroctl auth login"');

    reply = { status: 409, body: envelope('last_owner', 'ann is the last owner') };
    const conflict = await run([...flags, 'auth', 'whoami']);
    expect(conflict).toMatchObject({
      code: 1,
      err: 'error: ann is the last owner (code last_owner, request req_abc)\n',
    });
  });

  it('exits 1 when the server cannot be reached', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const r = await run(['--base-url', closed, '--api-key', 'xero_a_b', 'auth', 'whoami']);
    expect(r.code).toBe(1);
    expect(r.err).toBe(
      `error: cannot reach ${closed}: ECONNREFUSED (connect ECONNREFUSED ${closed.slice(7)})\n`,
    );
  });
});
