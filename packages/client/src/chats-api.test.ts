import type { Approval, Chat, ChatMessage, ChatQuestion } from '@xem/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { XemApiError, XemClient, type ChatStreamEvent, type EventStream } from './index';
import {
  beginStream,
  connectedFrame,
  errorReply,
  frame,
  startSseTestServer,
  type SseTestServer,
  type StreamHandler,
} from './sse/sse-test-server';

const at = '2026-01-01T00:00:00.000Z';
const chat: Chat = {
  id: 'chat_1',
  workspace_id: 'ws_1',
  title: 'disk full on web-1',
  template: { id: 'tpl_1', name: 'triage', version: 2 },
  system_prompt: 'Be careful.',
  allowed_tools: ['disk_usage'],
  approval_policy: 'standard',
  created_by: { user_id: 'usr_1', key_id: 'key_1' },
  turn_status: 'idle',
  model: null,
  message_count: 1,
  created_at: at,
  updated_at: at,
};
const message: ChatMessage = {
  id: 'msg_1',
  chat_id: 'chat_1',
  seq: 1,
  role: 'user',
  content: 'what fills /var?',
  tool_calls: [],
  tool_call_id: null,
  execution_id: null,
  author: { user_id: 'usr_1', key_id: 'key_1' },
  created_at: at,
};
const call: ChatMessage = {
  ...message,
  id: 'msg_2',
  seq: 2,
  role: 'assistant',
  content: null,
  tool_calls: [{ id: 'call_1', name: 'disk_usage', arguments: { path: '/var' }, execution_id: 'exe_1' }],
};
const question: ChatQuestion = {
  type: 'x_ask_user.question',
  chat_id: 'chat_1',
  approval_id: 'apr_1',
  execution_id: 'exe_2',
  tool_call_id: 'call_2',
  tool: 'file_delete',
  args: { path: '/var/log/big' },
  risk: 'destructive',
  question: 'Run file_delete on /var/log/big?',
  options: ['approve', 'reject'],
  confirm_required: false,
  expires_at: null,
};
const approval: Approval = {
  id: 'apr_1',
  execution_id: 'exe_2',
  workspace_id: 'ws_1',
  tool: 'file_delete',
  args: { path: '/var/log/big' },
  risk: 'destructive',
  status: 'approved',
  decision: 'approved',
  stage_index: 0,
  stage_count: 1,
  required_approvals: 1,
  approvals_so_far: 1,
  approvers: ['role:owner'],
  self_approval: 'allowed',
  on_timeout: 'reject',
  policy_version: 1,
  action_hash: 'ab'.repeat(32),
  requested_by: { user_id: 'usr_1', key_id: null, source: 'chat' },
  stage_deadline_at: '2026-01-01T01:00:00.000Z',
  created_at: at,
  decided_at: at,
  decided_by: null,
  note: null,
  reason: null,
  votes: [],
};
const msgFrame = (m: ChatMessage) => ({ type: 'chat.message', chat_id: 'chat_1', message: m });
const turnFrame = (turn_status: string) => ({
  type: 'chat.turn',
  chat_id: 'chat_1',
  turn_status,
  error: null,
});

interface Seen {
  method: string;
  url: string;
  accept: string | undefined;
  body: string;
}

let server: SseTestServer | undefined;
let stream: EventStream<ChatStreamEvent> | undefined;
let seen: Seen[] = [];

afterEach(async () => {
  stream?.close();
  await stream?.done.catch(() => {});
  stream = undefined;
  await server?.close();
  server = undefined;
  seen = [];
});

/** A real server on 127.0.0.1 that records each request (with its body) before `handler` answers. */
async function client(handler: StreamHandler, options: { session?: boolean } = {}): Promise<XemClient> {
  server = await startSseTestServer((req, res, n) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, accept: req.headers.accept, body });
      handler(req, res, n);
    });
  });
  if (options.session) {
    return new XemClient({ baseUrl: server.url, session: { csrfToken: () => 'csrf-1' } });
  }
  return new XemClient({ baseUrl: `${server.url}/`, apiKey: 'xero_default_k', projectId: 'proj_1' });
}

const json = (status: number, body: unknown): StreamHandler => {
  return (_req, res) =>
    res
      .writeHead(status, { 'content-type': 'application/json' })
      .end(body === undefined ? undefined : JSON.stringify(body));
};

/** Answers each request from the list in turn. */
const script = (...answers: StreamHandler[]): StreamHandler => {
  return (req, res, n) => answers[n]!(req, res, n);
};

async function collect(it: AsyncIterable<ChatStreamEvent>): Promise<ChatStreamEvent[]> {
  const out: ChatStreamEvent[] = [];
  for await (const e of it) out.push(e);
  return out;
}

describe('XemClient.chats', () => {
  it('maps every JSON call to its route under /:project_id/v1 and parses the answers', async () => {
    const page = { data: [chat], next_cursor: 'c2' };
    const accepted = { chat: { ...chat, turn_status: 'running' }, message };
    const c = await client(
      script(
        json(200, page),
        json(201, chat),
        json(200, chat),
        json(204, undefined),
        json(200, { data: [message, call], next_cursor: '2' }),
        json(202, accepted),
        json(202, { chat, message: call }),
        json(200, approval),
        json(201, chat),
      ),
    );
    const chats = c.chats;
    expect((await chats.list({ workspace: 'prod eu', limit: 5, cursor: 'c1' })).next_cursor).toBe('c2');
    expect(await chats.create({ workspace: 'prod', template: 'triage', message: 'hi' })).toEqual(chat);
    expect((await chats.get('chat 1')).id).toBe('chat_1');
    expect(await chats.delete('chat_1')).toBeUndefined();
    expect((await chats.messages('chat_1', { cursor: '0', limit: 2 })).data.map((m) => m.seq)).toEqual([
      1, 2,
    ]);
    expect((await chats.send('chat_1', 'what fills /var?')).chat.turn_status).toBe('running');
    const ran = await chats.runTool('chat_1', { tool: 'disk_usage', args: { path: '/var' } });
    expect(ran.message.tool_calls[0]!.execution_id).toBe('exe_1');
    expect((await chats.answer('chat_1', { approval_id: 'apr_1', decision: 'approve' })).status).toBe(
      'approved',
    );
    expect((await c.templates.apply('prod eu', 'k8s triage', { title: 't' })).template!.version).toBe(2);

    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET /proj_1/v1/chats?workspace=prod+eu&limit=5&cursor=c1',
      'POST /proj_1/v1/chats',
      'GET /proj_1/v1/chats/chat%201',
      'DELETE /proj_1/v1/chats/chat_1',
      'GET /proj_1/v1/chats/chat_1/messages?cursor=0&limit=2',
      'POST /proj_1/v1/chats/chat_1/messages',
      'POST /proj_1/v1/chats/chat_1/tool-calls',
      'POST /proj_1/v1/chats/chat_1/answer',
      'POST /proj_1/v1/workspaces/prod%20eu/chat-templates/k8s%20triage/apply',
    ]);
    expect(seen.map((s) => (s.body ? (JSON.parse(s.body) as unknown) : null))).toEqual([
      null,
      { workspace: 'prod', template: 'triage', message: 'hi' },
      null,
      null,
      null,
      { content: 'what fills /var?' },
      { tool: 'disk_usage', args: { path: '/var' } },
      { approval_id: 'apr_1', decision: 'approve' },
      { title: 't' },
    ]);
    expect(seen.every((s) => s.accept === 'application/json')).toBe(true);
  });

  it('surfaces refusals as XemApiError and refuses answers outside the protocol', async () => {
    const c = await client(
      script(
        (_req, res) => errorReply(res, 403, 'chat_tool_not_allowed'),
        json(200, { ...chat, turn_status: 'thinking' }),
      ),
    );
    const refused = await c.chats.runTool('chat_1', { tool: 'file_delete' }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(XemApiError);
    expect(refused).toMatchObject({ status: 403, code: 'chat_tool_not_allowed', requestId: 'req_sse' });
    await expect(c.chats.get('chat_1')).rejects.toMatchObject({ code: 'unexpected_response' });
    await expect(new XemClient({ baseUrl: 'http://127.0.0.1:1' }).chats.list()).rejects.toThrow(
      /project-scoped/,
    );
  });

  it('sendStreaming posts with Accept: text/event-stream and yields typed frames until [DONE]', async () => {
    const c = await client((_req, res) => {
      beginStream(res);
      res.write(connectedFrame(15_000).replace('x_exec.', 'chat.'));
      res.write(frame({ id: '7', event: 'chat.message', data: msgFrame(message) }));
      // A frame cut in two writes, and a name from a newer server, skipped.
      const cut = frame({ id: '8', event: 'chat.turn', data: turnFrame('running') });
      res.write(cut.slice(0, 10));
      setTimeout(() => {
        res.write(cut.slice(10));
        res.write(frame({ id: '9', event: 'chat.telepathy', data: {} }));
        res.write(frame({ id: '10', event: 'chat.message', data: msgFrame(call) }));
        res.write(frame({ id: '11', event: 'x_ask_user.question', data: question }));
        res.write(frame({ id: '12', event: 'chat.turn', data: turnFrame('waiting_approval') }));
        res.write('data: [DONE]\n\n');
        // Whatever follows [DONE] is not read.
        res.write(frame({ id: '13', event: 'chat.turn', data: turnFrame('idle') }));
      }, 20);
    });
    const events = await collect(c.chats.sendStreaming('chat_1', 'what fills /var?'));
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/proj_1/v1/chats/chat_1/messages',
      accept: 'text/event-stream',
      body: JSON.stringify({ content: 'what fills /var?' }),
    });
    expect(server!.requests[0]!.headers.authorization).toBe('Bearer xero_default_k');
    expect(events.map((e) => [e.event, e.id])).toEqual([
      ['chat.connection.connected', null],
      ['chat.message', '7'],
      ['chat.turn', '8'],
      ['chat.message', '10'],
      ['x_ask_user.question', '11'],
      ['chat.turn', '12'],
    ]);
    expect(events[4]).toEqual({ event: 'x_ask_user.question', id: '11', data: question });
    // The client let go of the connection after [DONE].
    await vi.waitFor(() => expect(server!.requests[0]!.closedAtMs).not.toBeNull());
  });

  it('sendStreaming: a refusal is thrown by the first next(); a stream cut before [DONE] is an error', async () => {
    const c = await client(
      script(
        (_req, res) => errorReply(res, 409, 'chat_turn_in_progress'),
        (_req, res) => {
          beginStream(res);
          res.write(frame({ id: '7', event: 'chat.message', data: msgFrame(message) }));
          res.end();
        },
        (_req, res) => {
          beginStream(res);
          res.write(frame({ id: '7', event: 'chat.message', data: { ...msgFrame(message), chat_id: 1 } }));
        },
        json(202, { chat, message }),
      ),
    );
    await expect(collect(c.chats.sendStreaming('chat_1', 'x'))).rejects.toMatchObject({
      status: 409,
      code: 'chat_turn_in_progress',
    });
    const got: ChatStreamEvent[] = [];
    const cut = (async () => {
      for await (const e of c.chats.sendStreaming('chat_1', 'x')) got.push(e);
    })();
    await expect(cut).rejects.toThrow(
      /ended the stream of POST \/proj_1\/v1\/chats\/chat_1\/messages before \[DONE\]/,
    );
    expect(got.map((e) => e.event)).toEqual(['chat.message']);
    await expect(collect(c.chats.sendStreaming('chat_1', 'x'))).rejects.toMatchObject({
      code: 'unexpected_response',
      message: expect.stringContaining('chat_id'),
    });
    // A server that answers JSON to a streamed POST is not what the protocol says.
    await expect(collect(c.chats.sendStreaming('chat_1', 'x'))).rejects.toMatchObject({
      code: 'unexpected_response',
      message: expect.stringContaining('not text/event-stream'),
    });
  });

  it('sendStreaming: leaving the loop early or aborting closes the connection; silence past the timeout throws', async () => {
    const c = await client((_req, res) => {
      beginStream(res);
      res.write(frame({ id: '7', event: 'chat.message', data: msgFrame(message) }));
    });
    for await (const e of c.chats.sendStreaming('chat_1', 'x')) {
      expect(e.event).toBe('chat.message');
      break;
    }
    await vi.waitFor(() => expect(server!.requests[0]!.closedAtMs).not.toBeNull());

    const abort = new AbortController();
    const events: ChatStreamEvent[] = [];
    const aborted = (async () => {
      for await (const e of c.chats.sendStreaming('chat_1', 'x', { signal: abort.signal })) {
        events.push(e);
        abort.abort();
      }
    })();
    await expect(aborted).resolves.toBeUndefined();
    expect(events).toHaveLength(1);

    const silent = collect(c.chats.sendStreaming('chat_1', 'x', { heartbeatTimeoutMs: 200 }));
    await expect(silent).rejects.toThrow(/no data from http:\/\/127\.0\.0\.1:\d+ for 200 ms/);
  });

  it('stream: GET …/stream with the key, typed frames, resuming after the last event id', async () => {
    const c = await client(
      script(
        (_req, res) => {
          beginStream(res);
          res.write(connectedFrame(30_000, null, '6').replace('x_exec.', 'chat.'));
          res.write(frame({ id: '7', event: 'chat.message', data: msgFrame(message) }));
          res.end(); // dropped without a closing frame: the client reconnects
        },
        (_req, res) => {
          beginStream(res);
          res.write(connectedFrame(30_000, '7').replace('x_exec.', 'chat.'));
          res.write(frame({ id: '8', event: 'chat.turn', data: turnFrame('running') }));
        },
      ),
    );
    const events: ChatStreamEvent[] = [];
    stream = c.chats.stream('chat_1', { retryMs: 10, onEvent: (e) => events.push(e) });
    await vi.waitFor(() => expect(events.map((e) => e.event)).toContain('chat.turn'));
    expect(seen.map((s) => `${s.method} ${s.url} ${s.accept}`)).toEqual([
      'GET /proj_1/v1/chats/chat_1/stream text/event-stream',
      'GET /proj_1/v1/chats/chat_1/stream text/event-stream',
    ]);
    expect(server!.requests[0]!.headers['last-event-id']).toBeUndefined();
    expect(server!.requests[1]!.headers['last-event-id']).toBe('7');
    expect(events.filter((e) => !e.event.startsWith('chat.connection.'))).toEqual([
      { event: 'chat.message', id: '7', data: msgFrame(message) },
      { event: 'chat.turn', id: '8', data: turnFrame('running') },
    ]);
  });

  it('stream refuses a fact without an id, since it could not resume after it', async () => {
    const c = await client((_req, res) => {
      beginStream(res);
      res.write(frame({ event: 'chat.message', data: msgFrame(message) }));
    });
    stream = c.chats.stream('chat_1');
    await expect(stream.done).rejects.toMatchObject({ code: 'unexpected_response' });
  });

  it('session mode: every route on its /ops/api mirror, with the CSRF token on writes', async () => {
    const c = await client(
      script(
        json(200, { data: [], next_cursor: null }),
        (_req, res) => {
          beginStream(res);
          res.write('data: [DONE]\n\n');
        },
        json(200, approval),
        json(201, chat),
        json(204, undefined),
      ),
      { session: true },
    );
    await c.chats.list({ workspace: 'ws_1' });
    expect(await collect(c.chats.sendStreaming('chat_1', 'x'))).toEqual([]);
    await c.chats.answer('chat_1', { approval_id: 'apr_1', decision: 'reject', reason: 'no' });
    await c.templates.apply('ws_1', 'tpl_1');
    await c.chats.delete('chat_1');
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET /ops/api/chats?workspace=ws_1',
      'POST /ops/api/chats/chat_1/messages',
      'POST /ops/api/chats/chat_1/answer',
      'POST /ops/api/workspaces/ws_1/chat-templates/tpl_1/apply',
      'DELETE /ops/api/chats/chat_1',
    ]);
    const csrf = server!.requests.map((r) => r.headers['x-csrf-token']);
    expect(csrf).toEqual([undefined, 'csrf-1', 'csrf-1', 'csrf-1', 'csrf-1']);
    expect(server!.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });
});
