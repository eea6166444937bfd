import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiscoveryCandidate, listOf } from '@xem/protocol';
import { startServer, type StartedServer } from '../../../test-support/start-server';
import { CLI_TEST_TIMEOUT_MS, runXeroctl, type CliResult } from './run-xeroctl';

let server: StartedServer;
let listener: Server;
let port: number;
let home: string;

const cli = (args: string[]) => runXeroctl(home, args);
const fields = (r: CliResult) =>
  Object.fromEntries(
    r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t'))
      .map(([k, ...v]) => [k, v.join('\t')]),
  );

function ok(r: CliResult): CliResult {
  if (r.code !== 0)
    throw new Error(`exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}\nserver:\n${server.output()}`);
  return r;
}

async function listJson(args: string[]): Promise<DiscoveryCandidate[]> {
  return listOf(DiscoveryCandidate).parse(
    JSON.parse(ok(await cli(['-o', 'json', 'discovery', 'list', ...args])).stdout),
  ).data;
}

beforeAll(async () => {
  // The listener exists before the server's local agent starts: its first scan, sent when the
  // router welcomes it, must include it.
  listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  port = (listener.address() as { port: number }).port;
  server = await startServer();
  home = mkdtempSync(join(tmpdir(), 'xeroctl-discovery-'));
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
  await new Promise<void>((resolve) => (listener ? listener.close(() => resolve()) : resolve()));
  if (home) rmSync(home, { recursive: true, force: true });
});

describe(
  `discovery from the real local agent (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`,
  { timeout: CLI_TEST_TIMEOUT_MS },
  () => {
    it('reports a TCP listener of the host as pending; an owner accepts it with xeroctl; the API lists it accepted', async () => {
      const address = `127.0.0.1:${port}`;
      const deadline = Date.now() + 45_000;
      let found: DiscoveryCandidate | undefined;
      while (!found) {
        found = (await listJson(['--status', 'pending', '--kind', 'tcp_listener'])).find(
          (c) => c.address === address,
        );
        if (found) break;
        if (Date.now() > deadline)
          throw new Error(`no candidate for ${address}\nserver:\n${server.output()}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      // The agent runs as this user, so it can read which process owns the socket: this one.
      const comm = readFileSync(`/proc/${process.pid}/comm`, 'utf8').trim();
      expect(found).toMatchObject({
        kind: 'tcp_listener',
        name: comm,
        status: 'pending',
        attributes: { protocol: 'tcp', family: 'ipv4', bind: '127.0.0.1', port, process: comm },
      });

      const table = ok(await cli(['discovery', 'list', '--status', 'pending']));
      expect(
        table.stdout
          .split('\n')
          .find((l) => l.startsWith(found.id))
          ?.split('\t'),
      ).toEqual(expect.arrayContaining([found.id, 'pending', 'tcp_listener', comm, address, found.agent_id]));
      expect(fields(ok(await cli(['discovery', 'show', found.id])))).toMatchObject({
        ID: found.id,
        STATUS: 'pending',
        ADDRESS: address,
      });

      const accepted = fields(
        ok(await cli(['discovery', 'accept', found.id, '--reason', 'the test service'])),
      );
      expect(accepted).toMatchObject({ STATUS: 'accepted', REASON: 'the test service' });
      const again = await cli(['discovery', 'accept', found.id]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('code discovery_already_decided');
      const noReason = await cli(['discovery', 'reject', found.id]);
      expect(noReason.code).not.toBe(0);

      // What the dashboard's Graph reads: the accepted components, each with its agent.
      const listed = await listJson(['--status', 'accepted']);
      expect(listed.map((c) => [c.id, c.address, c.agent_id])).toContainEqual([
        found.id,
        address,
        found.agent_id,
      ]);
      const agents = JSON.parse(ok(await cli(['-o', 'json', 'agents', 'list'])).stdout) as {
        data: { id: string }[];
      };
      expect(agents.data.map((a) => a.id)).toContain(found.agent_id);
    });
  },
);
