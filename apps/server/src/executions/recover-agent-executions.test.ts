import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Execution } from '@xem/protocol';
import { bearer, createTestApp, type TestApp } from '../../test/test-app';
import { adminKey, connectFake, executionRow, seedExecAgent, tool } from '../../test/execution-fixtures';
import { dispatchPass } from './dispatch-pass';
import { handleExecutionFrame } from './handle-execution-frame';
import { recoverAgentExecutions } from './recover-agent-executions';

let t: TestApp;
let key: string;

beforeAll(async () => {
  t = await createTestApp({ XEM_EXECUTION_MAX_ATTEMPTS: '3' });
  key = await adminKey(t);
});
afterAll(() => t.close());

async function queue(toolName: string): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: `/${t.projectId}/v1/exec/executions`,
    headers: bearer(key),
    payload: { workspace: 'default', tool: toolName, args: {}, queue: true },
  });
  expect(res.statusCode, res.body).toBe(201);
  return Execution.parse(res.json()).id;
}

function post(id: string, action: string) {
  return t.app.inject({
    method: 'POST',
    url: `/${t.projectId}/v1/exec/executions/${id}/${action}`,
    headers: bearer(key),
  });
}

const lose = (agentId: string, ids?: string[]) =>
  t.deps.db
    .transaction()
    .execute((trx) =>
      recoverAgentExecutions(trx, agentId, 'lease expired', ids ? { executionIds: ids } : {}),
    );

async function agentWith(names: string[], idempotent: boolean) {
  const id = await seedExecAgent(t, { tools: names.map((n) => tool(n, { idempotent })) });
  connectFake(t.deps.registry, id, t.projectId);
  return id;
}

describe('recoverAgentExecutions', () => {
  it('requeues idempotent work (next dispatch is attempt + 1) until attempts run out, then fails it', async () => {
    const agent = await agentWith(['idem'], true);
    const id = await queue('idem');
    for (const attempt of [1, 2]) {
      await dispatchPass(t.deps);
      expect(await executionRow(t, id)).toMatchObject({ status: 'dispatched', attempt, agent_id: agent });
      const recovered = await lose(agent);
      expect(recovered.map((r) => [r.id, r.status])).toEqual([[id, 'queued']]);
      expect(await executionRow(t, id)).toMatchObject({ status: 'queued', attempt, agent_id: null });
    }
    await dispatchPass(t.deps);
    expect((await executionRow(t, id)).attempt).toBe(3);
    await lose(agent);
    expect(await executionRow(t, id)).toMatchObject({ status: 'failed', error: { code: 'agent_lost' } });
    const attempts = await t.deps.db
      .selectFrom('execution_attempts')
      .select(['attempt', 'status', 'finished_at'])
      .where('execution_id', '=', id)
      .orderBy('attempt')
      .execute();
    expect(attempts.map((a) => a.status)).toEqual(['failed', 'failed', 'failed']);
    for (const a of attempts) expect(a.finished_at).not.toBeNull();
    const history = await t.deps.db
      .selectFrom('execution_transitions')
      .select(['to_status', 'reason'])
      .where('execution_id', '=', id)
      .orderBy('id')
      .execute();
    expect(history.map((h) => h.to_status)).toEqual([
      'queued',
      'dispatched',
      'queued',
      'dispatched',
      'queued',
      'dispatched',
      'failed',
    ]);
    expect(history[2]!.reason).toMatch(/lease expired; attempt 1 of 3 ended/);
  });

  it('makes non-idempotent work ambiguous; an operator retries it (attempt + 1) or marks it failed', async () => {
    const agent = await agentWith(['nonidem'], false);
    const id = await queue('nonidem');
    await dispatchPass(t.deps);
    await lose(agent);
    expect(await executionRow(t, id)).toMatchObject({ status: 'ambiguous', attempt: 1 });
    const events = await t.deps.db
      .selectFrom('events')
      .select('payload')
      .where('type', '=', 'execution.ambiguous')
      .execute();
    expect(events.map((e) => (e.payload as { id: string }).id)).toContain(id);

    const retried = await post(id, 'retry');
    expect(retried.statusCode, retried.body).toBe(200);
    expect(Execution.parse(retried.json())).toMatchObject({ status: 'queued', error: null, agent_id: null });
    await dispatchPass(t.deps);
    expect(await executionRow(t, id)).toMatchObject({ status: 'dispatched', attempt: 2 });
    await lose(agent);
    expect((await executionRow(t, id)).status).toBe('ambiguous');

    const failed = await post(id, 'mark-failed');
    expect(failed.statusCode, failed.body).toBe(200);
    expect(Execution.parse(failed.json())).toMatchObject({
      status: 'failed',
      error: { code: 'marked_failed' },
    });
    const audit = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'actor_type'])
      .where('target_id', '=', id)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'execution.create',
      'execution.dispatch',
      'execution.recover',
      'execution.retry',
      'execution.dispatch',
      'execution.recover',
      'execution.mark_failed',
    ]);
  });

  it('cancels work whose cancel was requested, and touches only the ids asked for', async () => {
    const agent = await agentWith(['mixed'], true);
    const cancelled = await queue('mixed');
    const kept = await queue('mixed');
    await dispatchPass(t.deps);
    expect((await post(cancelled, 'cancel')).statusCode).toBe(200);
    const recovered = await lose(agent, [cancelled]);
    expect(recovered.map((r) => r.status)).toEqual(['cancelled']);
    expect((await executionRow(t, cancelled)).status).toBe('cancelled');
    expect((await executionRow(t, kept)).status).toBe('dispatched');
    expect(await lose(agent, [])).toEqual([]);
  });

  it('an abandoned result is recovered like an agent loss for that one execution', async () => {
    const agent = await agentWith(['quit'], true);
    const id = await queue('quit');
    const other = await queue('quit');
    await dispatchPass(t.deps);
    const ack = await handleExecutionFrame(
      t.deps,
      { agentId: agent, projectId: t.projectId },
      {
        type: 'result',
        execution_id: id,
        attempt: 1,
        outcome: 'abandoned',
        exit_code: null,
        stdout: 'partial',
        stderr: '',
        truncated: false,
        duration_ms: 1,
      },
    );
    expect(ack).toEqual({ type: 'result_ack', execution_id: id, attempt: 1 });
    expect(await executionRow(t, id)).toMatchObject({ status: 'queued', attempt: 1 });
    expect((await executionRow(t, other)).status).toBe('dispatched');
    const a1 = await t.deps.db
      .selectFrom('execution_attempts')
      .selectAll()
      .where('execution_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(a1).toMatchObject({ stdout: 'partial', status: 'failed', error: { code: 'abandoned' } });
  });
});
