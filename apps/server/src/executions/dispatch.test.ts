import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/test-app';
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
import { dispatchPass } from './dispatch-pass';
import { startDispatcher } from './dispatcher';
import { handleExecutionFrame } from './handle-execution-frame';

let t: TestApp;
let key: string;

beforeAll(async () => {
  // A long poll: only the start and notifications wake the dispatcher started below.
  t = await createTestApp({ XEM_DISPATCH_POLL_INTERVAL_MS: '600000' });
  key = await adminKey(t);
});
afterAll(() => t.close());

const queue = (toolName: string, n = 1, workspace = 'default') =>
  queueExecutions(t, key, toolName, n, workspace);
const agentWith = (tools: string[], opts: SeedAgentOptions = {}) => connectedAgent(t, tools, opts);
const result = resultFrame;
const statuses = async (ids: string[]) =>
  Promise.all(ids.map(async (id) => (await executionRow(t, id)).status));

describe('dispatch', () => {
  it('respects capacity: 10 queued, capacity 3 → 3 dispatched oldest first; a result frees one', async () => {
    const a = await agentWith(['cap-tool'], { maxConcurrency: 3 });
    const ids = await queue('cap-tool', 10);
    expect(await dispatchPass(t.deps)).toBe(3);
    const frames = a.socket.of('dispatch');
    expect(frames.map((f) => f.execution_id)).toEqual(ids.slice(0, 3));
    expect(frames[0]).toMatchObject({ attempt: 1, tool: 'cap-tool', args: { i: 0 }, timeout_ms: 60_000 });
    expect(await statuses(ids)).toEqual([...Array(3).fill('dispatched'), ...Array(7).fill('queued')]);
    const row = await executionRow(t, ids[0]!);
    expect(row).toMatchObject({ attempt: 1, agent_id: a.id });
    // deadline = dispatch + timeout + max(5 s, 10 %)
    expect(row.deadline_at!.getTime() - row.dispatched_at!.getTime()).toBe(66_000);

    expect(await dispatchPass(t.deps)).toBe(0);
    const ack = await handleExecutionFrame(
      t.deps,
      { agentId: a.id, projectId: t.projectId },
      result(ids[1]!, 1),
    );
    expect(ack).toEqual({ type: 'result_ack', execution_id: ids[1], attempt: 1 });
    expect(await dispatchPass(t.deps)).toBe(1);
    expect(a.socket.of('dispatch').map((f) => f.execution_id)).toEqual(ids.slice(0, 4));
  });

  it('spreads work least loaded first among agents', async () => {
    const busy = await agentWith(['spread'], { maxConcurrency: 5 });
    await queue('spread', 2);
    expect(await dispatchPass(t.deps)).toBe(2);
    const idle = await agentWith(['spread'], { maxConcurrency: 5 });
    await queue('spread', 1);
    expect(await dispatchPass(t.deps)).toBe(1);
    expect(idle.socket.of('dispatch')).toHaveLength(1);
    expect(busy.socket.of('dispatch')).toHaveLength(2);
  });

  it('gives nothing to a paused agent, a paused workspace, a paused binding, or an agent of another process', async () => {
    const paused = await agentWith(['only-paused'], { status: 'paused' });
    const wsId = 'ws_pausedworkspace0001';
    await t.deps.db
      .insertInto('workspaces')
      .values({
        id: wsId,
        project_id: t.projectId,
        name: 'paused-ws',
        type: 'generic',
        description: '',
        is_default: false,
        paused_at: sql<Date>`now()`,
        pause_reason: 'maintenance',
      })
      .execute();
    const inPausedWs = await agentWith(['in-paused-ws'], { workspaceIds: [wsId] });
    const bindingPaused = await agentWith(['binding-paused']);
    await t.deps.db
      .updateTable('workspace_agents')
      .set({ paused_at: sql<Date>`now()`, pause_reason: 'hold' })
      .where('agent_id', '=', bindingPaused.id)
      .execute();
    // Online and bound, but its socket is on another process.
    await seedExecAgent(t, { tools: [tool('remote-only')] });

    const waiting = [
      ...(await queue('only-paused')),
      ...(await queue('in-paused-ws', 1, 'paused-ws')),
      ...(await queue('binding-paused')),
      ...(await queue('remote-only')),
    ];
    expect(await dispatchPass(t.deps)).toBe(0);
    expect(await statuses(waiting)).toEqual(['queued', 'queued', 'queued', 'queued']);
    for (const s of [paused.socket, inPausedWs.socket, bindingPaused.socket]) expect(s.frames).toEqual([]);

    // Lifting the workspace pause is enough for its agent.
    await t.deps.db.updateTable('workspaces').set({ paused_at: null }).where('id', '=', wsId).execute();
    expect(await dispatchPass(t.deps)).toBe(1);
    expect(inPausedWs.socket.of('dispatch')[0]?.execution_id).toBe(waiting[1]);
  });

  it('puts work back in the queue when the dispatch frame cannot be sent, then sends it as a new attempt', async () => {
    const a = await agentWith(['unsendable']);
    a.socket.open = false;
    const [id] = await queue('unsendable');
    expect(await dispatchPass(t.deps)).toBe(0);
    expect(await executionRow(t, id!)).toMatchObject({ status: 'queued', attempt: 1, agent_id: null });
    a.socket.open = true;
    expect(await dispatchPass(t.deps)).toBe(1);
    expect(a.socket.of('dispatch')[0]).toMatchObject({ execution_id: id, attempt: 2 });
    const attempts = await t.deps.db
      .selectFrom('execution_attempts')
      .selectAll()
      .where('execution_id', '=', id!)
      .orderBy('attempt')
      .execute();
    expect(attempts.map((x) => [x.attempt, x.status])).toEqual([
      [1, 'failed'],
      [2, 'dispatched'],
    ]);
  });

  it('the dispatcher loop wakes on the NOTIFY of new work and stops cleanly', async () => {
    const a = await agentWith(['wake-tool']);
    const stop = startDispatcher(t.deps);
    try {
      const [id] = await queue('wake-tool');
      await expect.poll(() => a.socket.of('dispatch').length, { timeout: 5000 }).toBe(1);
      expect(a.socket.of('dispatch')[0]?.execution_id).toBe(id);
    } finally {
      await stop();
    }
  });
});
