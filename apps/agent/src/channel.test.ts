import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeRouter, is } from '../test/fake-router';
import { loadAgentTools } from './agent-tools';
import { Backoff } from './backoff';
import { AgentChannel } from './channel';
import type { AgentConfig } from './config';
import { CredentialStore } from './credential-store';
import { Enrollment } from './enroll';
import { Runner } from './runner';
import { loadOrCreateSigningKey } from './signing-key';
import { silentLog, tempDirs } from './test-helpers';

const dirs = tempDirs();
let router: FakeRouter;
let channel: AgentChannel;
let runner: Runner;
let fatal: Error | undefined;

async function startAgent(credential = 'xac_valid', ownIntervalMs = 10_000) {
  const state = dirs.make();
  const config = { routerUrl: router.url, registrationName: 'web-1', joinKey: undefined } as AgentConfig;
  const key = loadOrCreateSigningKey(join(state, 'key.hex'));
  router.publicKey = key.publicKey;
  const store = new CredentialStore(state);
  const now = Date.now();
  store.save({
    agent_id: 'agt_1',
    project_id: 'prj_1',
    credential,
    obtained_at: new Date(now).toISOString(),
    expires_at: new Date(now + 3_600_000).toISOString(),
    router_url: router.url,
    registration_name: 'web-1',
  });
  const enrollment = new Enrollment({ config, key, store, log: silentLog, version: 'test' });
  const tools = loadAgentTools(join(state, 'no-bundles'), state, silentLog);
  runner = new Runner({
    tools: () => tools.specs,
    maxConcurrent: 5,
    maxOutputBytes: 4096,
    credentialsDir: state,
    fileRoot: state,
    baseEnv: {},
    onResult: (r) => channel.sendResult(r),
    log: silentLog,
  });
  channel = new AgentChannel({
    routerUrl: router.url,
    enrollment,
    runner,
    manifest: () => tools.manifest,
    leaseRenewalIntervalMs: ownIntervalMs,
    log: silentLog,
    onDrainRequested: () => {},
    onFatal: (err) => (fatal = err),
    backoff: new Backoff(20, 100),
  });
  channel.start();
  return { store, tools };
}

beforeEach(async () => {
  fatal = undefined;
  router = new FakeRouter();
  router.valid.add('xac_valid');
  await router.start();
});
afterEach(async () => {
  channel?.close();
  await runner?.abandonAll();
  await router.stop();
  dirs.cleanup();
});

describe('AgentChannel', () => {
  it('renews at once with the manifest, then at the shorter interval without it', async () => {
    const { tools } = await startAgent('xac_valid', 10_000);
    const first = await router.waitFor(is('lease_renewal'));
    expect(router.seenAuth[0]).toBe('Bearer xac_valid');
    expect(first).toMatchObject({
      manifest_hash: tools.manifest.hash,
      manifest_version: 1,
      state: 'active',
      in_flight: [],
    });
    expect(first.manifest?.tools.map((t) => t.name)).toEqual(['echo', 'noop', 'sleep']);
    const t0 = Date.now();
    const second = await router.waitFor(is('lease_renewal'), router.frames.indexOf(first) + 1);
    // The router's 100 ms beats the agent's own 10 s.
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(second.manifest).toBeUndefined();
  });

  it('runs a dispatch, reports the result, and re-sends it after a reconnect until acknowledged', async () => {
    await startAgent();
    await router.waitFor(is('lease_renewal'));
    router.send({
      type: 'dispatch',
      execution_id: 'exe_1',
      attempt: 1,
      tool: 'echo',
      args: { a: 1 },
      workspace_id: 'ws_1',
      timeout_ms: 5000,
    });
    const result = await router.waitFor(is('result'));
    expect(result).toMatchObject({
      execution_id: 'exe_1',
      attempt: 1,
      outcome: 'completed',
      stdout: '{"a":1}\n',
    });
    expect(channel.pendingResults).toBe(1);

    // The router went away before acknowledging: the result comes again on the next socket,
    // and the first renewal there carries the manifest again.
    const mark = router.frames.length;
    router.socket!.terminate();
    await router.waitFor(
      is('result', (f) => f.execution_id === 'exe_1'),
      mark,
    );
    expect((await router.waitFor(is('lease_renewal'), mark)).manifest).toBeDefined();
    router.send({ type: 'result_ack', execution_id: 'exe_1', attempt: 1 });
    await channel.flush(2000);
    expect(channel.pendingResults).toBe(0);

    const mark2 = router.frames.length;
    router.socket!.terminate();
    await router.waitFor(is('lease_renewal'), mark2);
    await new Promise((r) => setTimeout(r, 200));
    expect(router.frames.slice(mark2).some((f) => f.type === 'result')).toBe(false);
  });

  it('lists in-flight runs in renewals, cancels on request, drops results refused as stale', async () => {
    await startAgent();
    await router.waitFor(is('lease_renewal'));
    router.send({
      type: 'dispatch',
      execution_id: 'exe_2',
      attempt: 3,
      tool: 'sleep',
      args: { ms: 60_000 },
      workspace_id: 'ws_1',
      timeout_ms: 60_000,
    });
    await router.waitFor(
      is('lease_renewal', (f) => f.in_flight.some((x) => x.execution_id === 'exe_2' && x.attempt === 3)),
    );
    router.send({ type: 'cancel', execution_id: 'exe_2', attempt: 3 });
    expect(await router.waitFor(is('result'))).toMatchObject({ execution_id: 'exe_2', outcome: 'cancelled' });
    router.send({
      type: 'error',
      code: 'stale_attempt',
      message: 'attempt 3 is over',
      execution_id: 'exe_2',
      attempt: 3,
    });
    await channel.flush(2000);
    expect(channel.pendingResults).toBe(0);
  });

  it('refreshes a refused credential by signing the challenge, then connects with the new one', async () => {
    const { store } = await startAgent('xac_expired');
    await router.waitFor(is('lease_renewal'));
    expect(router.seenAuth).toEqual(['Bearer xac_expired', 'Bearer xac_refreshed']);
    expect(store.load(router.url, 'web-1')?.credential).toBe('xac_refreshed');
    expect(fatal).toBeUndefined();
  });

  it('gives up with a clear message when the refresh is refused and there is no join key', async () => {
    await startAgent('xac_revoked');
    // startAgent set the real key; make the router verify against another one.
    router.publicKey = loadOrCreateSigningKey(join(dirs.make(), 'other.hex')).publicKey;
    const deadline = Date.now() + 5000;
    while (!fatal && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(fatal?.message).toMatch(/refused to refresh the credential of agent agt_1.*XEM_JOIN_KEY/);
  });

  it('stops running tools when no lease_ack came for a whole TTL and reports them once reconnected', async () => {
    router.welcome = { lease_ttl_ms: 400, lease_renewal_interval_ms: 100 };
    router.ackLeases = false;
    await startAgent();
    await router.waitFor(is('lease_renewal'));
    router.send({
      type: 'dispatch',
      execution_id: 'exe_3',
      attempt: 1,
      tool: 'sleep',
      args: { ms: 60_000 },
      workspace_id: 'ws_1',
      timeout_ms: 60_000,
    });
    const r = await router.waitFor(
      is('result', (f) => f.execution_id === 'exe_3'),
      0,
      8000,
    );
    expect(r.outcome).toBe('abandoned');
    // The silent socket was dropped and the result went out on the next one.
    expect(router.seenAuth.length).toBeGreaterThanOrEqual(2);
    expect(runner.size).toBe(0);
  });

  it('announces draining in the next renewal', async () => {
    await startAgent();
    await router.waitFor(is('lease_renewal'));
    const mark = router.frames.length;
    channel.setDraining();
    expect(await router.waitFor(is('lease_renewal'), mark)).toMatchObject({ state: 'draining' });
  });
});
