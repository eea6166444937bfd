import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Execution, ExecutionDetail } from '@xem/protocol';
import { bearer, createTestApp, type TestApp } from '../../test/test-app';
import {
  adminKey,
  connectedAgent,
  executionRow,
  queueExecutions,
  resultFrame,
  seedExecAgent,
  tool,
  type SeedAgentOptions,
} from '../../test/execution-fixtures';
import { AGENT_CONTROL_CHANNEL, type AgentControlMessage } from '../channel/notify-agent';
import { dispatchPass } from './dispatch-pass';
import { sweepOverdueExecutions } from './execution-sweeper';
import { handleExecutionFrame } from './handle-execution-frame';

let t: TestApp;
let key: string;

beforeAll(async () => {
  t = await createTestApp();
  key = await adminKey(t);
});
afterAll(() => t.close());

const queue = (toolName: string, n = 1, workspace = 'default') =>
  queueExecutions(t, key, toolName, n, workspace);
const agentWith = (tools: string[], opts: SeedAgentOptions = {}) => connectedAgent(t, tools, opts);
const result = resultFrame;

describe('agent frames', () => {
  it('results finish executions: output on the attempt, events, logs and progress stored', async () => {
    const a = await agentWith(['finish']);
    const [ok, bad] = await queue('finish', 2);
    await dispatchPass(t.deps);
    const who = { agentId: a.id, projectId: t.projectId };
    expect(
      await handleExecutionFrame(t.deps, who, {
        type: 'log',
        execution_id: ok!,
        attempt: 1,
        stream: 'stdout',
        data: 'line',
      }),
    ).toBeNull();
    expect(
      await handleExecutionFrame(t.deps, who, {
        type: 'progress',
        execution_id: ok!,
        attempt: 1,
        percent: 50,
      }),
    ).toBeNull();
    await handleExecutionFrame(t.deps, who, result(ok!, 1, { stdout: 'hello\n', stderr: 'warn\n' }));
    await handleExecutionFrame(t.deps, who, result(bad!, 1, { outcome: 'failed', exit_code: 3 }));

    const res = await t.app.inject({
      method: 'GET',
      url: `/${t.projectId}/v1/exec/executions/${ok}`,
      headers: bearer(key),
    });
    const d = ExecutionDetail.parse(res.json());
    expect(d).toMatchObject({
      status: 'completed',
      exit_code: 0,
      output: { stdout: 'hello\n', stderr: 'warn\n' },
    });
    expect(d.duration_ms).not.toBeNull();
    expect(d.history.map((h) => h.to)).toEqual(['queued', 'dispatched', 'completed']);
    expect(d.attempts).toMatchObject([{ attempt: 1, agent_id: a.id, status: 'completed', exit_code: 0 }]);
    const raw = await t.app.inject({
      method: 'GET',
      url: `/${t.projectId}/v1/exec/executions/${ok}/raw`,
      headers: bearer(key),
    });
    expect(raw.body).toBe('hello\n');

    expect(await executionRow(t, bad!)).toMatchObject({
      status: 'failed',
      exit_code: 3,
      error: { code: 'tool_failed', message: 'the tool exited with code 3' },
    });
    const logs = await t.deps.db
      .selectFrom('execution_logs')
      .selectAll()
      .where('execution_id', '=', ok!)
      .execute();
    expect(logs.map((l) => l.kind)).toEqual(['stdout', 'progress']);
    const events = await t.deps.db
      .selectFrom('events')
      .select(['type', 'payload'])
      .where('type', 'in', ['execution.started', 'execution.completed', 'execution.failed'])
      .execute();
    const mine = events.filter((e) => [ok, bad].includes((e.payload as { id: string }).id));
    expect(mine.map((e) => e.type).sort()).toEqual([
      'execution.completed',
      'execution.failed',
      'execution.started',
      'execution.started',
    ]);
  });

  it('refuses a frame for a stale attempt or another agent, and audits the refusal', async () => {
    const a = await agentWith(['stale']);
    const b = await agentWith(['unrelated']);
    const [id] = await queue('stale');
    await dispatchPass(t.deps);
    const wrongAttempt = await handleExecutionFrame(
      t.deps,
      { agentId: a.id, projectId: t.projectId },
      result(id!, 2),
    );
    expect(wrongAttempt).toMatchObject({
      type: 'error',
      code: 'stale_attempt',
      execution_id: id,
      attempt: 2,
    });
    const otherAgent = await handleExecutionFrame(
      t.deps,
      { agentId: b.id, projectId: t.projectId },
      {
        type: 'log',
        execution_id: id!,
        attempt: 1,
        stream: 'stderr',
        data: 'intruder',
      },
    );
    expect(otherAgent).toMatchObject({ type: 'error', code: 'stale_attempt' });
    expect((await executionRow(t, id!)).status).toBe('dispatched');
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'execution.frame_refused')
      .where('target_id', '=', id!)
      .orderBy('seq')
      .execute();
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({ outcome: 'denied', actor_type: 'agent', actor_id: a.id, via: 'agent' });
    expect(audit[1]).toMatchObject({ actor_id: b.id });
    const logs = await t.deps.db
      .selectFrom('execution_logs')
      .selectAll()
      .where('execution_id', '=', id!)
      .execute();
    expect(logs).toEqual([]);
  });

  it('queues work the agent refused as busy again, even for a tool that is not idempotent', async () => {
    const a = await agentWith(['busy-tool'], { tools: [tool('busy-tool', { idempotent: false })] });
    const [id] = await queue('busy-tool');
    await dispatchPass(t.deps);
    const who = { agentId: a.id, projectId: t.projectId };
    const busy = result(id!, 1, {
      outcome: 'failed',
      exit_code: null,
      stdout: '',
      error: { code: 'agent_busy', message: 'at the concurrency limit' },
    });
    expect(await handleExecutionFrame(t.deps, who, busy)).toEqual({
      type: 'result_ack',
      execution_id: id,
      attempt: 1,
    });
    await dispatchPass(t.deps);
    expect(await executionRow(t, id!)).toMatchObject({ status: 'dispatched', attempt: 2 });
  });

  it('a duplicate result is acknowledged again and changes nothing', async () => {
    const a = await agentWith(['dup']);
    const [id] = await queue('dup');
    await dispatchPass(t.deps);
    const who = { agentId: a.id, projectId: t.projectId };
    const ack = { type: 'result_ack', execution_id: id, attempt: 1 };
    expect(await handleExecutionFrame(t.deps, who, result(id!, 1))).toEqual(ack);
    const before = await executionRow(t, id!);
    const count = async () =>
      (
        await t.deps.db
          .selectFrom('execution_transitions')
          .select('id')
          .where('execution_id', '=', id!)
          .execute()
      ).length;
    const n = await count();
    expect(
      await handleExecutionFrame(t.deps, who, result(id!, 1, { outcome: 'failed', stdout: 'other' })),
    ).toEqual(ack);
    expect(await executionRow(t, id!)).toEqual(before);
    expect(await count()).toBe(n);
  });

  it('cancel of dispatched work sends a cancel frame through NOTIFY; the cancelled result makes it final', async () => {
    const a = await agentWith(['cancellable']);
    const [id] = await queue('cancellable');
    await dispatchPass(t.deps);
    const seen: AgentControlMessage[] = [];
    const unlisten = await t.deps.listen(AGENT_CONTROL_CHANNEL, (p) =>
      seen.push(JSON.parse(p) as AgentControlMessage),
    );
    try {
      const res = await t.app.inject({
        method: 'POST',
        url: `/${t.projectId}/v1/exec/executions/${id}/cancel`,
        headers: bearer(key),
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(Execution.parse(res.json()).status).toBe('dispatched');
      expect((await executionRow(t, id!)).cancel_requested_at).not.toBeNull();
      await expect.poll(() => seen.length, { timeout: 5000 }).toBeGreaterThan(0);
      expect(seen[0]).toEqual({ agent_id: a.id, frame: { type: 'cancel', execution_id: id, attempt: 1 } });
    } finally {
      await unlisten();
    }
    await handleExecutionFrame(
      t.deps,
      { agentId: a.id, projectId: t.projectId },
      result(id!, 1, { outcome: 'cancelled', exit_code: null }),
    );
    expect(await executionRow(t, id!)).toMatchObject({ status: 'cancelled', error: null });
  });

  it('cancel of queued work is immediate', async () => {
    await seedExecAgent(t, { status: 'offline', tools: [tool('nobody-runs-this')] });
    const [id] = await queue('nobody-runs-this');
    const res = await t.app.inject({
      method: 'POST',
      url: `/${t.projectId}/v1/exec/executions/${id}/cancel`,
      headers: bearer(key),
    });
    expect(Execution.parse(res.json()).status).toBe('cancelled');
  });
});

describe('timeout backstop', () => {
  it('times out dispatched work past its deadline, asks the agent to cancel, and refuses the late result', async () => {
    const a = await agentWith(['slow']);
    const [id, fresh] = await queue('slow', 2);
    await dispatchPass(t.deps);
    await t.deps.db
      .updateTable('executions')
      .set({ deadline_at: sql<Date>`now() - interval '1 second'` })
      .where('id', '=', id!)
      .execute();
    const seen: AgentControlMessage[] = [];
    const unlisten = await t.deps.listen(AGENT_CONTROL_CHANNEL, (p) =>
      seen.push(JSON.parse(p) as AgentControlMessage),
    );
    try {
      expect(await sweepOverdueExecutions(t.deps)).toBe(1);
      await expect
        .poll(() => seen.filter((m) => m.frame?.type === 'cancel').length, { timeout: 5000 })
        .toBe(1);
    } finally {
      await unlisten();
    }
    expect(await executionRow(t, id!)).toMatchObject({
      status: 'timed_out',
      error: { code: 'deadline_exceeded' },
    });
    expect((await executionRow(t, fresh!)).status).toBe('dispatched');
    expect(await sweepOverdueExecutions(t.deps)).toBe(0);
    const late = await handleExecutionFrame(
      t.deps,
      { agentId: a.id, projectId: t.projectId },
      result(id!, 1),
    );
    expect(late).toMatchObject({ type: 'error', code: 'stale_attempt' });

    // An operator retry queues it again; the next dispatch is attempt 2.
    const retry = await t.app.inject({
      method: 'POST',
      url: `/${t.projectId}/v1/exec/executions/${id}/retry`,
      headers: bearer(key),
    });
    expect(Execution.parse(retry.json())).toMatchObject({ status: 'queued', error: null });
    await dispatchPass(t.deps);
    expect(a.socket.of('dispatch').at(-1)).toMatchObject({ execution_id: id, attempt: 2 });
  });
});
