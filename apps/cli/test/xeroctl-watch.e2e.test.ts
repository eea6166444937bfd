import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CLI_TEST_TIMEOUT_MS,
  runXeroctl,
  spawnXeroctl,
  type CliResult,
  type RunningXeroctl,
} from './run-xeroctl';
import { startServer, type StartedServer } from '../../../test-support/start-server';

let server: StartedServer;
let home: string;

const cli = (args: string[], opts?: { stdin?: string }) => runXeroctl(home, args, opts);

function ok(r: CliResult): CliResult {
  if (r.code !== 0)
    throw new Error(`exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}\nserver:\n${server.output()}`);
  return r;
}

interface Printed {
  id: string | null;
  event: string;
  data: { id: string; tool: string; status: string };
}
const printed = (stdout: string): Printed[] =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Printed);

/** Starts `exec watch` and waits until its stream is live (its first note on stderr). */
async function watch(args: string[]): Promise<RunningXeroctl> {
  const w = spawnXeroctl(home, ['exec', 'watch', ...args]);
  await vi.waitFor(
    () => {
      if (!w.stderr().includes('watch: connected')) throw new Error(`not connected yet: ${w.stderr()}`);
    },
    { timeout: 20_000, interval: 100 },
  );
  return w;
}

beforeAll(async () => {
  // The server's local agent (default workspace) has the built-in echo tool.
  server = await startServer();
  home = mkdtempSync(join(tmpdir(), 'xeroctl-watch-'));
  ok(
    await cli(
      ['--base-url', server.baseUrl, 'auth', 'login', '--email', server.adminEmail, '--password-stdin'],
      {
        stdin: `${server.adminPassword}\n`,
      },
    ),
  );
  await vi.waitFor(
    async () => {
      const tools = ok(await cli(['exec', 'tools'])).stdout;
      if (!/^echo\t/m.test(tools)) throw new Error('the local agent has not published echo yet');
    },
    { timeout: 30_000, interval: 250 },
  );
});

afterAll(async () => {
  await server?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe(
  `xeroctl exec watch on the real stream (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`,
  {
    timeout: CLI_TEST_TIMEOUT_MS,
  },
  () => {
    it('follows an echo execution live until it completes, then exits 0', async () => {
      // Held in the queue by a paused workspace, so it can only run once the watch is connected.
      ok(await cli(['workspaces', 'pause', 'default', '--reason', 'e2e watch']));
      const id = ok(
        await cli(['exec', 'invoke', 'echo', '--workspace', 'default', '--arg', 'text=hello', '--queue']),
      ).stdout.trim();
      const w = await watch(['--execution', id, '--json']);
      ok(await cli(['workspaces', 'resume', 'default']));
      const r = await w.done;
      expect(r.code, `${r.stderr}\n${server.output()}`).toBe(0);
      const events = printed(r.stdout);
      expect(events.map((e) => e.event)).toEqual(['x_exec.execution.started', 'x_exec.execution.completed']);
      expect(events.every((e) => e.data.id === id && e.data.tool === 'echo')).toBe(true);
      expect(events.map((e) => e.data.status)).toEqual(['dispatched', 'completed']);
      // Streamed, not read: each carries its event id, in order.
      const ids = events.map((e) => Number(e.id));
      expect(ids.every((n) => Number.isInteger(n) && n > 0)).toBe(true);
      expect(ids[1]!).toBeGreaterThan(ids[0]!);
      expect(r.stderr).toContain(`Execution ${id} completed`);
    });

    it('prints an end that came before the stream opened, and exits 0', async () => {
      const id = ok(
        await cli(['exec', 'invoke', 'echo', '--workspace', 'default', '--arg', 'text=x', '--wait']),
      ).stderr.match(/Execution (exe_\w+) completed/)![1]!;
      const r = ok(await cli(['exec', 'watch', id, '--json']));
      expect(printed(r.stdout)).toMatchObject([
        { id: null, event: 'x_exec.execution.completed', data: { id, status: 'completed' } },
      ]);
    });

    it('prints only what the filters let through until Ctrl-C, which exits 0', async () => {
      const w = await watch(['--tool', 'echo', '--status', 'completed', '--json']);
      ok(await cli(['exec', 'invoke', 'system_info', '--workspace', 'default', '--wait']));
      ok(await cli(['exec', 'invoke', 'echo', '--workspace', 'default', '--arg', 'text=filtered', '--wait']));
      await vi.waitFor(() => expect(w.stdout()).toContain('x_exec.execution.completed'), { timeout: 20_000 });
      w.kill('SIGINT');
      const r = await w.done;
      expect(r.code).toBe(0);
      const events = printed(r.stdout);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        event: 'x_exec.execution.completed',
        data: { tool: 'echo', status: 'completed' },
      });
    });

    it('exits 4 when the key cannot open the stream', async () => {
      const r = await runXeroctl(home, ['exec', 'watch', '--api-key', 'xero_default_wrong'], {});
      expect(r.code).toBe(4);
      expect(r.stderr).toContain('code invalid_api_key');
    });
  },
);
