import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT_MS, runXeroctl, type CliResult } from './run-xeroctl';
import { startAgent, type StartedAgent } from './start-agent';
import { startServer, type StartedServer } from '../../../test-support/start-server';

let server: StartedServer;
let home: string;
let agent: StartedAgent | undefined;

const cli = (args: string[], opts?: { stdin?: string }) => runXeroctl(home, args, opts);

/** Piped table output: one record per line, fields split on tabs. */
const rows = (r: CliResult) =>
  r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t'));
/** Piped record output (`show` and friends): FIELD<TAB>value per line. */
const fields = (r: CliResult) => Object.fromEntries(rows(r).map(([k, ...v]) => [k, v.join('\t')]));

const logs = () => `server:\n${server.output()}\nagent:\n${agent?.output() ?? '(not started)'}`;

function ok(r: CliResult): CliResult {
  if (r.code !== 0) throw new Error(`exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}\n${logs()}`);
  return r;
}

/** Polls `agents list` until the agent named `name` reports `status`. */
async function waitForAgent(name: string, status: string): Promise<string[]> {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const row = rows(ok(await cli(['agents', 'list']))).find((r) => r[1] === name);
    if (row?.[2] === status) return row;
    if (Date.now() > deadline)
      throw new Error(`agent ${name} is ${row?.[2] ?? 'absent'}, not ${status}\n${logs()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

beforeAll(async () => {
  // No local agent: the test enrolls its own, through a join key made with the CLI.
  server = await startServer({ env: { XEM_LOCAL_AGENT: 'false' } });
  home = mkdtempSync(join(tmpdir(), 'xeroctl-exec-'));
  ok(
    await cli(
      ['--base-url', server.baseUrl, 'auth', 'login', '--email', server.adminEmail, '--password-stdin'],
      {
        stdin: `${server.adminPassword}\n`,
      },
    ),
  );
  ok(await cli(['workspaces', 'create', 'prod-eu']));
});

afterAll(async () => {
  await agent?.stop();
  await server?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe(
  `xeroctl exec before any agent (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`,
  { timeout: CLI_TEST_TIMEOUT_MS },
  () => {
    it('answers with the server codes when there is nothing to run', async () => {
      expect(ok(await cli(['exec', 'tools'])).stdout).toBe('');
      const show = await cli(['exec', 'tool-show', 'system_info']);
      expect(show.code).toBe(1);
      expect(show.stderr).toMatch(/\(code exec_tool_not_found, request req_\w+\)/);
      const invoke = await cli(['exec', 'invoke', 'system_info', '--workspace', 'default', '--wait']);
      expect(invoke.code).toBe(1);
      expect(invoke.stderr).toContain('code exec_tool_not_found');
      expect(ok(await cli(['exec', 'list', '--status', 'failed', '--since', '1h'])).stdout).toBe('');
      expect(JSON.parse(ok(await cli(['-o', 'json', 'exec', 'list'])).stdout)).toEqual({
        data: [],
        next_cursor: null,
      });
      const missing = await cli(['exec', 'show', 'exe_missing']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('code not_found');
      expect(
        (await cli(['exec', 'invoke', 'system_info', '--workspace', 'default', '--arg', 'nokey'])).code,
      ).toBe(2);
    });
  },
);

describe('xeroctl exec with a real xem-agent', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  let agentId: string;

  it('enrolls an agent with a join key from the CLI and shows it online with its tools', async () => {
    const key = ok(await cli(['agents', 'join-keys', 'create', '--name', 'cli e2e'])).stdout.trim();
    agent = startAgent({ routerUrl: server.baseUrl, joinKey: key, name: 'cli-e2e' });
    const row = await waitForAgent('cli-e2e', 'online');
    agentId = row[0]!;
    const shown = fields(ok(await cli(['agents', 'show', agentId])));
    expect(shown).toMatchObject({ NAME: 'cli-e2e', STATUS: 'online' });
    expect(shown.TOOL_NAMES!.split(',')).toEqual(expect.arrayContaining(['system_info', 'echo', 'sleep']));

    const tools = rows(ok(await cli(['exec', 'tools'])));
    expect(tools.find((t) => t[0] === 'system_info')!.slice(1, 3)).toEqual(['read', 'system']);
    const tool = fields(ok(await cli(['exec', 'tool-show', 'sleep'])));
    expect(tool).toMatchObject({ RISK: 'read', DOMAIN: 'diagnostics', IDEMPOTENT: 'yes', MCP_VISIBLE: 'no' });
    expect(tool.AGENTS).toContain(`cli-e2e (${agentId}, online)`);
    expect(JSON.parse(tool.PARAMS!)).toMatchObject({ required: ['ms'] });
  });

  it('runs system_info with --wait, printing its output and exiting 0', async () => {
    const r = ok(await cli(['exec', 'invoke', 'system_info', '--workspace', 'default', '--wait']));
    expect(JSON.parse(r.stdout)).toHaveProperty('hostname');
    expect(r.stderr).toMatch(new RegExp(`Execution exe_\\w+ completed in .+ on ${agentId} \\(exit 0\\)`));
  });

  it('sends typed --arg values; an Idempotency-Key returns the same execution, or 422 for other arguments', async () => {
    const args = [
      'exec',
      'invoke',
      'echo',
      '--workspace',
      'default',
      '--arg',
      'count=3',
      '--arg',
      'name=web-1',
    ];
    const first = ok(await cli([...args, '--idempotency-key', 'cli-e2e-1', '--wait']));
    expect(JSON.parse(first.stdout)).toEqual({ count: 3, name: 'web-1' });
    const id = /Execution (exe_\w+) completed/.exec(first.stderr)![1];
    const again = JSON.parse(ok(await cli(['-o', 'json', ...args, '--idempotency-key', 'cli-e2e-1'])).stdout);
    // The replay is the first response again, so it still says `queued`.
    expect(again).toMatchObject({ id, source: 'cli' });
    const other = await cli([...args, '--arg', 'count=4', '--idempotency-key', 'cli-e2e-1']);
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('code idempotency_key_reused');

    const shown = fields(ok(await cli(['exec', 'show', id!])));
    expect(shown).toMatchObject({ TOOL: 'echo', STATUS: 'completed', AGENT: agentId, EXIT_CODE: '0' });
    expect(JSON.parse(shown.ARGS!)).toEqual({ count: 3, name: 'web-1' });
    // Arguments are stored as JSONB, so the echoed key order is the database's.
    const raw = ok(await cli(['exec', 'raw', id!])).stdout;
    expect(raw.endsWith('}\n')).toBe(true);
    expect(JSON.parse(raw)).toEqual({ count: 3, name: 'web-1' });
    expect(
      rows(ok(await cli(['exec', 'list', '--tool', 'echo', '--status', 'completed']))).map((r) => r[0]),
    ).toEqual([id]);
  });

  it('refuses arguments the schema does not allow', async () => {
    const r = await cli(['exec', 'invoke', 'sleep', '--workspace', 'default', '--arg', 'ms=fast']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('code invalid_body');
  });

  it('exits 8 when --timeout passes, and cancel + watch end it as cancelled (exit 1)', async () => {
    const r = await cli([
      'exec',
      'invoke',
      'sleep',
      '--workspace',
      'default',
      '--arg',
      'ms=60000',
      '--wait',
      '--timeout',
      '1s',
    ]);
    expect(r.code).toBe(8);
    const id = r.stdout.trim();
    expect(id).toMatch(/^exe_\w+$/);
    expect(r.stderr).toMatch(new RegExp(`execution ${id} is still (queued|dispatched) after 1s`));
    ok(await cli(['exec', 'cancel', id]));
    const watched = await cli(['exec', 'watch', id]);
    expect(watched.code).toBe(1);
    // AT EVENT EXECUTION TOOL STATUS; the last line is the end.
    expect(rows(watched).at(-1)!.slice(1)).toEqual(['x_exec.execution.cancelled', id, 'sleep', 'cancelled']);
    expect(watched.stderr).toContain(`execution ${id} cancelled`);
  });

  it('pause-exec makes invoke refuse (503) unless --queue; resume-exec lets the queued one run', async () => {
    expect(fields(ok(await cli(['agents', 'pause-exec', agentId, '--reason', 'e2e'])))).toMatchObject({
      STATUS: 'paused',
    });
    const refused = await cli(['exec', 'invoke', 'noop', '--workspace', 'default']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('code tool_executor_unavailable');
    const id = ok(await cli(['exec', 'invoke', 'noop', '--workspace', 'default', '--queue'])).stdout.trim();
    expect(fields(ok(await cli(['exec', 'show', id]))).STATUS).toBe('queued');
    ok(await cli(['agents', 'resume-exec', agentId]));
    const watched = ok(await cli(['exec', 'watch', id]));
    expect(rows(watched).at(-1)!.slice(1)).toEqual(['x_exec.execution.completed', id, 'noop', 'completed']);
  });

  it('binds and unbinds the agent, then drains it and revokes its credentials', async () => {
    expect(fields(ok(await cli(['workspaces', 'bind', 'prod-eu', '--agent', agentId]))).AGENTS).toContain(
      agentId,
    );
    expect(
      fields(ok(await cli(['workspaces', 'unbind', 'prod-eu', '--agent', agentId]))).AGENTS,
    ).not.toContain(agentId);
    expect(fields(ok(await cli(['agents', 'drain', agentId]))).STATUS).toBe('draining');
    expect((await cli(['agents', 'revoke-credentials', agentId])).code).toBe(2);
    expect(fields(ok(await cli(['agents', 'revoke-credentials', agentId, '--yes']))).STATUS).toBe('revoked');
  });
});
