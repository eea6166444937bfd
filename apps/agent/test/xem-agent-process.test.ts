import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDirs } from '../src/test-helpers';
import { FakeRouter, is } from './fake-router';
import { startAgentProcess, type AgentProcess } from './start-agent';

const dirs = tempDirs();
let router: FakeRouter;
const agents: AgentProcess[] = [];
let env: Record<string, string>;

beforeEach(async () => {
  router = new FakeRouter();
  await router.start();
  const state = dirs.make('xem-agent-proc-');
  const tools = join(state, 'tools');
  mkdirSync(join(tools, 'probe'), { recursive: true });
  writeFileSync(
    join(tools, 'probe', 'manifest.json'),
    JSON.stringify({
      tools: [
        {
          name: 'chatty',
          description: 'prints two lines some time apart and reports progress',
          risk: 'read',
          timeout_ms: 5000,
          idempotent: true,
          command: [
            'node',
            '-e',
            "process.stdout.write('one\\n'); require('fs').writeSync(3, JSON.stringify({ percent: 50, message: 'half' }) + '\\n'); setTimeout(() => process.stdout.write('two\\n'), 600)",
          ],
        },
        {
          name: 'env_dump',
          description: 'prints the XEM_ variables it sees',
          risk: 'read',
          timeout_ms: 5000,
          idempotent: true,
          command: [
            'node',
            '-e',
            "process.stdout.write(Object.keys(process.env).filter(k=>k.startsWith('XEM_')).sort().join(','))",
          ],
        },
      ],
    }),
  );
  env = {
    XEM_ROUTER_URL: router.url,
    XEM_REGISTRATION_NAME: 'proc-1',
    XEM_JOIN_KEY: 'xjk_good',
    XEM_STATE_DIR: join(state, 'state'),
    XEM_TOOLS_DIR: tools,
    XEM_LOG_LEVEL: 'debug',
  };
});
afterEach(async () => {
  for (const a of agents.splice(0)) {
    a.child.kill('SIGKILL');
    await a.exited;
  }
  await router.stop();
  dirs.cleanup();
});

const run = (e: Record<string, string>, args: string[] = []) => {
  const a = startAgentProcess(e, args);
  agents.push(a);
  return a;
};

describe('xem-agent process', () => {
  it('refuses to start without the required settings, naming them, with exit code 2', async () => {
    const a = run({ XEM_STATE_DIR: env.XEM_STATE_DIR! }, ['--config', '/dev/null']);
    expect(await a.exited).toBe(2);
    expect(a.stderr()).toMatch(/missing required settings: XEM_ROUTER_URL .*XEM_REGISTRATION_NAME/);
  });

  it('asks for a join key (exit 2) when there is no saved credential yet', async () => {
    const a = run({ ...env, XEM_JOIN_KEY: '' });
    expect(await a.exited).toBe(2);
    expect(a.stderr()).toMatch(
      /missing required setting: XEM_JOIN_KEY .*needed until the agent has enrolled/,
    );
    expect(router.enrollments).toHaveLength(0);
  });

  it('refuses a corrupt signing key with exit 2 instead of making a new identity', async () => {
    mkdirSync(env.XEM_STATE_DIR!, { recursive: true });
    writeFileSync(join(env.XEM_STATE_DIR!, 'agent-signing-key.hex'), 'garbage');
    const a = run(env);
    expect(await a.exited).toBe(2);
    expect(a.stderr()).toMatch(/cannot use the signing key .*not 64 hex characters/);
    expect(router.enrollments).toHaveLength(0);
  });

  it('exits 3 with a clear message when the join key is refused', async () => {
    const a = run({ ...env, XEM_JOIN_KEY: 'xjk_bad' });
    expect(await a.exited).toBe(3);
    expect(a.stderr()).toMatch(/enrollment refused \(invalid_join_key\).*mint a new one/);
  });

  it('enrolls, keeps its key and credential private, runs work, and drains on SIGTERM', async () => {
    const a = run({ ...env, XEM_SHUTDOWN_GRACE_SECONDS: '10' });
    await router.waitFor(is('lease_renewal'), 0, 15_000);
    expect(router.enrollments[0]).toMatchObject({
      join_key: 'xjk_good',
      registration_name: 'proc-1',
      version: '0.1.0',
    });
    const keyFile = join(env.XEM_STATE_DIR!, 'agent-signing-key.hex');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(env.XEM_STATE_DIR!, 'credential.json')).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(join(env.XEM_STATE_DIR!, 'credential.json'), 'utf8')).credential).toBe(
      'xac_enrolled',
    );

    // Tools see the documented variables, never the agent's own settings (the join key).
    router.send({
      type: 'dispatch',
      execution_id: 'exe_env',
      attempt: 1,
      tool: 'env_dump',
      args: {},
      workspace_id: 'ws_1',
      timeout_ms: 5000,
    });
    const envResult = await router.waitFor(is('result', (f) => f.execution_id === 'exe_env'));
    expect(envResult.stdout).toBe(
      'XEM_EXECUTION_ID,XEM_FILE_ROOT,XEM_MAX_OUTPUT_BYTES,XEM_PROGRESS_FD,XEM_TOOL_NAME,XEM_WORKSPACE_ID',
    );
    router.send({ type: 'result_ack', execution_id: 'exe_env', attempt: 1 });

    // Progress and output stream while the tool runs, all before its result.
    router.send({
      type: 'dispatch',
      execution_id: 'exe_chat',
      attempt: 1,
      tool: 'chatty',
      args: {},
      workspace_id: 'ws_1',
      timeout_ms: 5000,
    });
    const chatResult = await router.waitFor(is('result', (f) => f.execution_id === 'exe_chat'));
    const chatFrames = router.frames.filter((f) => 'execution_id' in f && f.execution_id === 'exe_chat');
    expect(chatFrames.map((f) => (f.type === 'log' ? `${f.stream}:${f.data}` : f.type))).toEqual([
      'progress',
      'stdout:one\n',
      'stdout:two\n',
      'result',
    ]);
    expect(chatResult.stdout).toBe('one\ntwo\n');
    expect(chatFrames.find((f) => f.type === 'progress')).toMatchObject({ percent: 50, message: 'half' });
    router.send({ type: 'result_ack', execution_id: 'exe_chat', attempt: 1 });

    router.send({
      type: 'dispatch',
      execution_id: 'exe_s',
      attempt: 1,
      tool: 'sleep',
      args: { ms: 1000 },
      workspace_id: 'ws_1',
      timeout_ms: 5000,
    });
    await router.waitFor(is('lease_renewal', (f) => f.in_flight.length === 1));
    const mark = router.frames.length;
    a.child.kill('SIGTERM');
    await router.waitFor(
      is('lease_renewal', (f) => f.state === 'draining'),
      mark,
    );
    // Still renewing while it drains, and refusing new work.
    router.send({
      type: 'dispatch',
      execution_id: 'exe_late',
      attempt: 1,
      tool: 'noop',
      args: {},
      workspace_id: 'ws_1',
      timeout_ms: 5000,
    });
    expect(
      (
        await router.waitFor(
          is('result', (f) => f.execution_id === 'exe_late'),
          mark,
        )
      ).error?.code,
    ).toBe('agent_draining');
    const done = await router.waitFor(
      is('result', (f) => f.execution_id === 'exe_s'),
      mark,
    );
    expect(done.outcome).toBe('completed');
    router.send({ type: 'result_ack', execution_id: 'exe_s', attempt: 1 });
    router.send({ type: 'result_ack', execution_id: 'exe_late', attempt: 1 });
    expect(await a.exited).toBe(0);
    expect(router.frames.slice(mark).filter((f) => f.type === 'lease_renewal').length).toBeGreaterThanOrEqual(
      3,
    );

    // A restart reuses the saved credential: no second enrollment, the join key is not needed.
    const again = run({ ...env, XEM_JOIN_KEY: '' });
    const mark2 = router.frames.length;
    await router.waitFor(is('lease_renewal'), mark2, 15_000);
    expect(router.enrollments).toHaveLength(1);
    again.child.kill('SIGTERM');
    expect(await again.exited).toBe(0);
  });

  it('drains when the router asks (repeating the request changes nothing); a second SIGTERM stops at once', async () => {
    const a = run({ ...env, XEM_SHUTDOWN_GRACE_SECONDS: '30' });
    await router.waitFor(is('lease_renewal'), 0, 15_000);
    router.send({
      type: 'dispatch',
      execution_id: 'exe_d',
      attempt: 1,
      tool: 'sleep',
      args: { ms: 800 },
      workspace_id: 'ws_1',
      timeout_ms: 5000,
    });
    await router.waitFor(is('lease_renewal', (f) => f.in_flight.length === 1));
    router.send({ type: 'drain', reason: 'maintenance' });
    router.send({ type: 'drain', reason: 'maintenance' });
    await router.waitFor(is('lease_renewal', (f) => f.state === 'draining'));
    expect((await router.waitFor(is('result', (f) => f.execution_id === 'exe_d'))).outcome).toBe('completed');
    router.send({ type: 'result_ack', execution_id: 'exe_d', attempt: 1 });
    expect(await a.exited).toBe(0);

    const b = run({ ...env, XEM_JOIN_KEY: '', XEM_SHUTDOWN_GRACE_SECONDS: '30' });
    const mark = router.frames.length;
    await router.waitFor(is('lease_renewal'), mark, 15_000);
    router.send({
      type: 'dispatch',
      execution_id: 'exe_f',
      attempt: 1,
      tool: 'sleep',
      args: { ms: 60_000 },
      workspace_id: 'ws_1',
      timeout_ms: 60_000,
    });
    await router.waitFor(
      is('lease_renewal', (f) => f.in_flight.length === 1),
      mark,
    );
    b.child.kill('SIGTERM');
    await router.waitFor(
      is('lease_renewal', (f) => f.state === 'draining'),
      mark,
    );
    const t0 = Date.now();
    b.child.kill('SIGTERM');
    expect(
      (
        await router.waitFor(
          is('result', (f) => f.execution_id === 'exe_f'),
          mark,
        )
      ).outcome,
    ).toBe('abandoned');
    expect(Date.now() - t0).toBeLessThan(5000);
    router.send({ type: 'result_ack', execution_id: 'exe_f', attempt: 1 });
    expect(await b.exited).toBe(0);
  });

  it('stops tools still running when the grace is over and reports them abandoned', async () => {
    const a = run({ ...env, XEM_SHUTDOWN_GRACE_SECONDS: '1' });
    await router.waitFor(is('lease_renewal'), 0, 15_000);
    router.send({
      type: 'dispatch',
      execution_id: 'exe_long',
      attempt: 1,
      tool: 'sleep',
      args: { ms: 60_000 },
      workspace_id: 'ws_1',
      timeout_ms: 60_000,
    });
    await router.waitFor(is('lease_renewal', (f) => f.in_flight.length === 1));
    const t0 = Date.now();
    a.child.kill('SIGTERM');
    const r = await router.waitFor(
      is('result', (f) => f.execution_id === 'exe_long'),
      0,
      10_000,
    );
    expect(r.outcome).toBe('abandoned');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    router.send({ type: 'result_ack', execution_id: 'exe_long', attempt: 1 });
    expect(await a.exited).toBe(0);
  });
});
