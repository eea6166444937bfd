import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Execution } from '@xem/protocol';
import { bearer, createTestApp, type TestApp } from '../../test/test-app';
import {
  adminKey,
  connectFake,
  executionRow,
  resultFrame,
  seedExecAgent,
  tool,
  type FakeSocket,
} from '../../test/execution-fixtures';
import type { AppDeps } from '../app-deps';
import { SYSTEM_CONTEXT } from '../audit/audit-context';
import { ChannelRegistry } from '../channel/channel-registry';
import { cancelExecution } from './cancel-execution';
import { dispatchPass } from './dispatch-pass';
import { sweepOverdueExecutions } from './execution-sweeper';
import { handleExecutionFrame } from './handle-execution-frame';

let t: TestApp;
let key: string;
/** A second server process on the same database: its own registry of connected agents. */
let other: AppDeps;

beforeAll(async () => {
  t = await createTestApp();
  key = await adminKey(t);
  other = { ...t.deps, registry: new ChannelRegistry(), instanceId: 'other-replica' };
});
afterAll(() => t.close());

async function queue(toolName: string, n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await t.app.inject({
      method: 'POST',
      url: `/${t.projectId}/v1/exec/executions`,
      headers: bearer(key),
      payload: { workspace: 'default', tool: toolName, args: { i }, queue: true },
    });
    ids.push(Execution.parse(res.json()).id);
  }
  return ids;
}

const dispatchedIds = (...sockets: FakeSocket[]) =>
  sockets.flatMap((s) => s.of('dispatch').map((f) => f.execution_id));

describe('races decided in the database', () => {
  it('two dispatchers never dispatch the same execution twice', async () => {
    const a = await seedExecAgent(t, { tools: [tool('race')], maxConcurrency: 100 });
    const b = await seedExecAgent(t, { tools: [tool('race')], maxConcurrency: 100 });
    const sa = connectFake(t.deps.registry, a, t.projectId);
    const sb = connectFake(other.registry, b, t.projectId);
    const ids = await queue('race', 40);
    await Promise.all([dispatchPass(t.deps), dispatchPass(other), dispatchPass(t.deps), dispatchPass(other)]);
    const sent = dispatchedIds(sa, sb);
    expect(sent.sort()).toEqual([...ids].sort());
    const rows = await t.deps.db
      .selectFrom('executions')
      .select(['status', 'attempt'])
      .where('id', 'in', ids)
      .execute();
    for (const r of rows) expect(r).toEqual({ status: 'dispatched', attempt: 1 });
    const attempts = await t.deps.db
      .selectFrom('execution_attempts')
      .select('execution_id')
      .where('execution_id', 'in', ids)
      .execute();
    expect(attempts).toHaveLength(40);
  });

  it("two dispatchers respect an agent's capacity even while both hold a socket for it (a reconnect overlap)", async () => {
    const a = await seedExecAgent(t, { tools: [tool('overlap')], maxConcurrency: 5 });
    const s1 = connectFake(t.deps.registry, a, t.projectId);
    const s2 = connectFake(other.registry, a, t.projectId);
    await queue('overlap', 20);
    await Promise.all([dispatchPass(t.deps), dispatchPass(other), dispatchPass(t.deps), dispatchPass(other)]);
    const sent = dispatchedIds(s1, s2);
    expect(sent).toHaveLength(5);
    expect(new Set(sent).size).toBe(5);
  });

  it('cancel racing dispatch: each execution is either cancelled unsent or dispatched with its cancel requested', async () => {
    const a = await seedExecAgent(t, { tools: [tool('cancel-race')], maxConcurrency: 100 });
    const sa = connectFake(t.deps.registry, a, t.projectId);
    const ids = await queue('cancel-race', 20);
    await Promise.all([
      dispatchPass(t.deps),
      ...ids.map((id) => cancelExecution(t.deps.db, t.projectId, id, SYSTEM_CONTEXT)),
      dispatchPass(t.deps),
    ]);
    const sent = new Set(dispatchedIds(sa));
    for (const id of ids) {
      const row = await executionRow(t, id);
      if (sent.has(id)) expect(row).toMatchObject({ status: 'dispatched', attempt: 1 });
      else expect(row).toMatchObject({ status: 'cancelled', attempt: 0 });
      expect(row.cancel_requested_at).not.toBeNull();
    }
  });

  it('a result racing the timeout sweep: exactly one of them finishes the attempt', async () => {
    const a = await seedExecAgent(t, { tools: [tool('finish-race')], maxConcurrency: 100 });
    connectFake(t.deps.registry, a, t.projectId);
    const ids = await queue('finish-race', 10);
    await dispatchPass(t.deps);
    await t.deps.db
      .updateTable('executions')
      .set({ deadline_at: sql<Date>`now() - interval '1 second'` })
      .where('id', 'in', ids)
      .execute();
    const who = { agentId: a, projectId: t.projectId };
    const [, ...answers] = await Promise.all([
      sweepOverdueExecutions(t.deps),
      ...ids.map((id) => handleExecutionFrame(t.deps, who, resultFrame(id, 1))),
    ]);
    for (const [i, id] of ids.entries()) {
      const row = await executionRow(t, id);
      const exits = await t.deps.db
        .selectFrom('execution_transitions')
        .select('to_status')
        .where('execution_id', '=', id)
        .where('from_status', '=', 'dispatched')
        .execute();
      expect(exits).toEqual([{ to_status: row.status }]);
      expect(['completed', 'timed_out']).toContain(row.status);
      expect(answers[i]!.type).toBe(row.status === 'completed' ? 'result_ack' : 'error');
    }
  });
});
