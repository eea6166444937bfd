import type { Approval, Execution } from '@xem/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { XemClient, type ApprovalStreamEvent, type EventStream, type ExecutionStreamEvent } from './index';
import {
  beginStream,
  connectedFrame,
  frame,
  startSseTestServer,
  type SseTestServer,
  type StreamHandler,
} from './sse/sse-test-server';

const execution: Execution = {
  id: 'exe_1',
  workspace_id: 'ws_1',
  tool: 'echo',
  args: { text: 'hi' },
  risk: 'read',
  idempotent: true,
  source: 'cli',
  status: 'dispatched',
  attempt: 1,
  max_attempts: 3,
  agent_id: 'agt_1',
  exit_code: null,
  error: null,
  timeout_ms: 30_000,
  created_by: { user_id: 'usr_1', key_id: 'key_1' },
  approval_id: null,
  chat_id: null,
  created_at: '2026-01-01T00:00:00.000Z',
  dispatched_at: '2026-01-01T00:00:01.000Z',
  finished_at: null,
  duration_ms: null,
};

const approval: Approval = {
  id: 'apr_1',
  execution_id: 'exe_1',
  workspace_id: 'ws_1',
  tool: 'file_delete',
  args: { path: '/tmp/x' },
  risk: 'irreversible',
  status: 'pending',
  decision: null,
  stage_index: 0,
  stage_count: 1,
  required_approvals: 1,
  approvals_so_far: 0,
  approvers: ['role:owner'],
  self_approval: 'forbidden',
  on_timeout: 'reject',
  policy_version: 1,
  action_hash: 'ab'.repeat(32),
  requested_by: { user_id: 'usr_1', key_id: null, source: 'cli' },
  stage_deadline_at: '2026-01-01T01:00:00.000Z',
  created_at: '2026-01-01T00:00:00.000Z',
  decided_at: null,
  decided_by: null,
  note: null,
  reason: null,
  votes: [],
};

let server: SseTestServer | undefined;
let stream: EventStream<ExecutionStreamEvent> | EventStream<ApprovalStreamEvent> | undefined;

afterEach(async () => {
  stream?.close();
  await stream?.done.catch(() => {});
  await server?.close();
});

async function client(handler: StreamHandler): Promise<XemClient> {
  server = await startSseTestServer(handler);
  return new XemClient({
    baseUrl: `${server.url}/`,
    apiKey: 'xero_default_k',
    projectId: 'proj 1',
    userAgent: 'xeroctl/9.9.9',
  });
}

describe('XemClient streams', () => {
  it('streamExecutions: path, filters, key and user agent; typed events; unknown names skipped', async () => {
    const c = await client((_req, res) => {
      beginStream(res);
      res.write(connectedFrame());
      res.write(frame({ id: '9', event: 'x_exec.execution.started', data: execution }));
      res.write(frame({ id: '10', event: 'x_exec.execution.teleported', data: { id: 'exe_1' } }));
      res.write(frame({ event: 'x_exec.connection.heartbeat', data: { server_time: 'now', polls: 15 } }));
    });
    const events: ExecutionStreamEvent[] = [];
    stream = c.streamExecutions(
      { workspace: ['prod', 'ws_2'], status: ['completed', 'failed'], tool: 'echo', risk: [] },
      { onEvent: (e) => events.push(e) },
    );
    await vi.waitFor(() => expect(events).toHaveLength(3));
    const req = server!.requests[0]!;
    const url = new URL(req.url, 'http://x');
    expect(url.pathname).toBe('/proj%201/v1/exec/executions/stream');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      workspace: 'prod,ws_2',
      status: 'completed,failed',
      tool: 'echo',
    });
    expect(req.headers.authorization).toBe('Bearer xero_default_k');
    expect(req.headers['user-agent']).toBe('xeroctl/9.9.9');
    expect(events.map((e) => e.event)).toEqual([
      'x_exec.connection.connected',
      'x_exec.execution.started',
      'x_exec.connection.heartbeat',
    ]);
    const started = events[1]!;
    if (started.event !== 'x_exec.execution.started') throw new Error('unreachable');
    expect(started.id).toBe('9');
    expect(started.data.tool).toBe('echo');
    const connected = events[0]!;
    if (connected.event !== 'x_exec.connection.connected') throw new Error('unreachable');
    expect(connected.data.heartbeat_interval_ms).toBe(30_000);
    // The unknown event's id still counts: resuming must not replay it.
    expect(stream.status.lastEventId).toBe('10');
  });

  it('streamExecutions ends with unexpected_response when an execution payload breaks the protocol', async () => {
    const c = await client((_req, res) => {
      beginStream(res);
      res.write(
        frame({ id: '1', event: 'x_exec.execution.completed', data: { ...execution, status: 'done' } }),
      );
    });
    stream = c.streamExecutions();
    await expect(stream.done).rejects.toMatchObject({
      code: 'unexpected_response',
      message: expect.stringContaining('status'),
    });
  });

  it('streamExecutions refuses a fact without an id, since it could not resume after it', async () => {
    const c = await client((_req, res) => {
      beginStream(res);
      res.write(frame({ event: 'x_exec.execution.completed', data: execution }));
    });
    stream = c.streamExecutions();
    await expect(stream.done).rejects.toMatchObject({ code: 'unexpected_response' });
  });

  it('streamApprovals: its own path; resync and approvals are delivered typed', async () => {
    const c = await client((_req, res) => {
      beginStream(res);
      res.write(connectedFrame(30_000, '3'));
      res.write(
        frame({
          event: 'x_exec.connection.resync',
          data: { reason: 'too_old', last_event_id: '3', pruned_through: '50' },
        }),
      );
      res.write(frame({ id: '51', event: 'x_exec.approval.requested', data: approval }));
    });
    const events: ApprovalStreamEvent[] = [];
    stream = c.streamApprovals(
      { risk: 'irreversible' },
      { lastEventId: '3', onEvent: (e) => events.push(e) },
    );
    await vi.waitFor(() => expect(events).toHaveLength(3));
    expect(server!.requests[0]!.url).toBe('/proj%201/v1/exec/approvals/stream?risk=irreversible');
    expect(server!.requests[0]!.headers['last-event-id']).toBe('3');
    expect(events[1]).toEqual({
      event: 'x_exec.connection.resync',
      id: null,
      data: { reason: 'too_old', last_event_id: '3', pruned_through: '50' },
    });
    expect(events[2]).toEqual({ event: 'x_exec.approval.requested', id: '51', data: approval });
  });

  it('streamApprovals ends with unexpected_response for an approval the protocol does not allow', async () => {
    const c = await client((_req, res) => {
      beginStream(res);
      res.write(frame({ id: '1', event: 'x_exec.approval.decided', data: { id: 'apr_1' } }));
    });
    stream = c.streamApprovals();
    await expect(stream.done).rejects.toMatchObject({ code: 'unexpected_response' });
  });
});
