import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  Agent,
  Approval,
  Execution,
  ExecutionDetail,
  ExecutionStatus,
  JoinKey,
  Risk,
  Tool,
  Workspace,
} from '@xem/protocol';
import { FakeApprovals, FakeRefusal, type FakeUser } from './fake-approvals';
import { agent, executionDetail, joinKey, tool, workspace } from './fleet-fixtures';

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/**
 * How executions of each tool progress: every GET of the execution moves one step along the
 * script and then stays on its last status.
 */
const SCRIPTS: Record<string, ExecutionStatus[]> = {
  system_info: ['queued', 'dispatched', 'completed'],
  fail: ['dispatched', 'failed'],
  lost: ['dispatched', 'ambiguous'],
  slow: ['queued'],
  // Risky tools wait for their approval; a decision rewrites the script (see decideApproval).
  file_delete: ['pending_approval'],
  directory_purge: ['pending_approval'],
};

const RISKS: Record<string, Risk> = { file_delete: 'destructive', directory_purge: 'irreversible' };

/** The CLI tests' default key (XEROCTL_API_KEY) is Ann's; `--api-key` with another key is Bob. */
export const ANN: FakeUser = { id: 'usr_1', email: 'a@x.test', keyId: 'key_1' };
export const BOB: FakeUser = { id: 'usr_2', email: 'bob@x.test', keyId: 'key_2' };
export const BOB_KEY = 'xero_default_bob';

interface StoredExecution {
  detail: ExecutionDetail;
  script: ExecutionStatus[];
}

/**
 * `GET …/exec/executions/stream` and `…/approvals/stream`: the fake answers `retry: 10` and the
 * connected frame, then sends what the test tells it to, and the events of approval decisions.
 */
export interface FakeEventStreams {
  /** Streams open right now (both kinds). */
  readonly open: number;
  /**
   * Sends a fact under the next event id, which it returns, to every open stream of its kind
   * (`x_exec.execution.*` to executions streams, `x_exec.approval.*` to approvals streams).
   */
  send(event: string, data: unknown): string;
  /** Sends a frame without an id (connection frames). */
  sendFrame(event: string, data: unknown): void;
  /** Cuts every open stream, as a network failure would. */
  drop(): void;
  /** Answers the next stream requests with this error instead. */
  refuseWith: { status: number; code: string } | null;
}

export interface FakeXemApi {
  baseUrl: string;
  seen: SeenRequest[];
  streams: FakeEventStreams;
  /** The execution as the API returns it (without history and output). */
  execution(id: string): Execution;
  /** Moves an execution to `status` as the server would: stored, then its event on the stream. */
  advance(id: string, status: ExecutionStatus): void;
  approval(id: string): Approval;
  /** The most rows a list page holds whatever `limit` asks (the real server's is 500). */
  paging: { maxPage: number };
  close(): Promise<void>;
}

/**
 * A test double of the XEM HTTP API, answering the fleet and exec routes of docs/agent-protocol.md
 * from memory, bound to 127.0.0.1. It lets CLI tests run the real client and parser end to end
 * without the server.
 */
export async function startFakeXemApi(): Promise<FakeXemApi> {
  const workspaces: Workspace[] = [
    workspace,
    { ...workspace, id: 'ws_2', name: 'prod', is_default: false, agent_ids: [] },
  ];
  const joinKeys: JoinKey[] = [joinKey];
  const agents: Agent[] = [agent];
  const tools: Tool[] = Object.keys(SCRIPTS).map((name) => ({ ...tool, name }));
  tools.find((t) => t.name === 'slow')!.params = {
    type: 'object',
    properties: {
      ms: { type: 'integer', description: 'how long to wait' },
      mode: { enum: ['soft', 'hard'], default: 'soft' },
    },
    required: ['ms'],
  };
  const executions = new Map<string, StoredExecution>();
  const seen: SeenRequest[] = [];
  const paging = { maxPage: 500 };
  const approvals = new FakeApprovals();
  const replays = new Map<string, Execution>();
  const open = new Map<ServerResponse, 'executions' | 'approvals'>();
  let lastEventId = 0;
  const write = (text: string, kind?: 'executions' | 'approvals') => {
    for (const [res, k] of open) if (!kind || k === kind) res.write(text);
  };
  const streams: FakeEventStreams = {
    get open() {
      return open.size;
    },
    send: (event, data) => {
      const id = String(++lastEventId);
      const kind = event.startsWith('x_exec.approval.') ? 'approvals' : 'executions';
      write(`id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`, kind);
      return id;
    },
    sendFrame: (event, data) => write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
    drop: () => {
      for (const res of open.keys()) res.destroy();
      open.clear();
    },
    refuseWith: null,
  };
  /** Stores the new status with its transition and tells the executions streams. */
  const advance = (id: string, status: ExecutionStatus) => {
    const e = executions.get(id)!;
    e.detail.history.push({
      from: e.detail.status,
      to: status,
      attempt: 1,
      reason: null,
      at: new Date().toISOString(),
    });
    settle(e.detail, status);
    e.script = status === 'queued' ? ['queued', 'dispatched', 'completed'] : [status];
    const event = status === 'dispatched' ? 'started' : status;
    streams.send(`x_exec.execution.${event}`, withoutDetail(e.detail));
  };

  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const url = new URL(req.url!, 'http://x');
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
      seen.push({
        method: req.method!,
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
      });
      const send = (status: number, value: unknown) =>
        res
          .writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req_fake' })
          .end(JSON.stringify(value));
      const fail = (status: number, code: string, message: string, param: string | null = null) =>
        send(status, { error: { message, type: 'invalid_request_error', code, param } });
      const user = req.headers.authorization === `Bearer ${BOB_KEY}` ? BOB : ANN;
      const route = `${req.method} ${url.pathname}`;
      let m: RegExpExecArray | null;

      if (route === 'GET /v1/auth/whoami') {
        return send(200, {
          project_id: 'proj_1',
          project_slug: 'default',
          key_id: user.keyId,
          key_name: 'test',
          scopes: ['execution', 'management'],
          user: { id: user.id, email: user.email, role: 'owner', is_admin: user === ANN },
        });
      }
      // Pages by offset; the cursor is the offset of the next row, as text.
      const list = <T>(data: T[]) => {
        const limit = Math.min(Number(url.searchParams.get('limit') ?? 50), paging.maxPage);
        const start = Number(url.searchParams.get('cursor') ?? 0);
        const next = start + limit < data.length ? String(start + limit) : null;
        return send(200, { data: data.slice(start, start + limit), next_cursor: next });
      };
      const wsOf = (id: string) => workspaces.find((w) => w.id === id);
      if (route === 'GET /proj_1/v1/management/workspaces') return list(workspaces);
      if (route === 'POST /proj_1/v1/management/workspaces') {
        const w = {
          ...workspace,
          id: `ws_${workspaces.length + 1}`,
          name: String(body!.name),
          type: String(body!.type ?? 'generic'),
          is_default: false,
          agent_ids: [],
        };
        workspaces.push(w);
        return send(201, w);
      }
      if ((m = /^(GET|POST|DELETE) \/proj_1\/v1\/management\/workspaces\/([^/]+)(\/.*)?$/.exec(route))) {
        const w = wsOf(decodeURIComponent(m[2]!));
        if (!w) return fail(404, 'not_found', 'no such workspace');
        const rest = m[3] ?? '';
        if (rest === '/pause')
          Object.assign(w, {
            paused: true,
            pause_reason: body!.reason,
            paused_at: '2026-01-01T00:01:00.000Z',
          });
        if (rest === '/resume') Object.assign(w, { paused: false, pause_reason: null, paused_at: null });
        if (rest === '/agents') w.agent_ids = [...new Set([...w.agent_ids, String(body!.agent_id)])];
        if (rest.startsWith('/agents/'))
          w.agent_ids = w.agent_ids.filter((a) => a !== decodeURIComponent(rest.slice(8)));
        return send(200, w);
      }
      if (route === 'GET /proj_1/v1/management/join-keys') return list(joinKeys);
      if (route === 'POST /proj_1/v1/management/join-keys') {
        const k = {
          ...joinKey,
          id: `jk_${joinKeys.length + 1}`,
          name: String(body!.name ?? 'join key'),
          max_uses: Number(body!.max_uses ?? 1),
          workspace_id: (body!.workspace_id as string) ?? null,
        };
        joinKeys.push(k);
        return send(201, { key: `xjk_${'a'.repeat(43)}`, join_key: k });
      }
      if ((m = /^POST \/proj_1\/v1\/management\/join-keys\/([^/]+)\/revoke$/.exec(route))) {
        const k = joinKeys.find((j) => j.id === m![1]);
        return k
          ? send(200, Object.assign(k, { active: false, revoked_at: '2026-01-01T00:02:00.000Z' }))
          : fail(404, 'not_found', 'no such join key');
      }
      if (route === 'GET /proj_1/v1/management/agents') return list(agents);
      if ((m = /^(GET|POST) \/proj_1\/v1\/management\/agents\/([^/]+)(\/.*)?$/.exec(route))) {
        const a = agents.find((x) => x.id === m![2]);
        if (!a) return fail(404, 'not_found', 'no such agent');
        const status = {
          '/pause-exec': 'paused',
          '/resume-exec': 'online',
          '/drain': 'draining',
          '/revoke-credentials': 'revoked',
        }[m[3] ?? ''];
        if (status && !(m[3] === '/pause-exec' && body!.workspace_id)) a.status = status as Agent['status'];
        return send(200, a);
      }
      if (route === 'GET /proj_1/v1/exec/tools') return list(tools);
      if ((m = /^GET \/proj_1\/v1\/exec\/tools\/([^/]+)$/.exec(route))) {
        const t = tools.find((x) => x.name === m![1]);
        return t ? send(200, t) : fail(404, 'exec_tool_not_found', `no tool named ${m[1]}`);
      }
      if (route === 'POST /proj_1/v1/exec/executions') {
        // A repeated Idempotency-Key gets the first answer again, as on the server.
        const key = req.headers['idempotency-key'];
        const replay = typeof key === 'string' ? replays.get(key) : undefined;
        if (replay) return send(201, replay);
        const script = SCRIPTS[String(body!.tool)];
        if (!script) return fail(400, 'exec_tool_not_found', `no tool named ${String(body!.tool)}`);
        const id = `exe_${executions.size + 1}`;
        const risk = RISKS[String(body!.tool)] ?? 'read';
        const detail: ExecutionDetail = {
          ...executionDetail,
          id,
          tool: String(body!.tool),
          args: (body!.args as Record<string, unknown> | undefined) ?? {},
          risk,
          status: approvals.needsApproval(risk) ? 'pending_approval' : 'queued',
          agent_id: null,
          exit_code: null,
          created_by: { user_id: user.id, key_id: user.keyId },
          history: [],
        };
        if (approvals.needsApproval(risk)) {
          const approval = approvals.request(withoutDetail(detail), user);
          detail.approval_id = approval.id;
          streams.send('x_exec.approval.requested', approval);
        }
        executions.set(id, { detail, script: [...script] });
        if (typeof key === 'string') replays.set(key, withoutDetail(detail));
        return send(201, withoutDetail(detail));
      }
      const streamKind =
        route === 'GET /proj_1/v1/exec/executions/stream'
          ? 'executions'
          : route === 'GET /proj_1/v1/exec/approvals/stream'
            ? 'approvals'
            : null;
      if (streamKind) {
        if (streams.refuseWith) return fail(streams.refuseWith.status, streams.refuseWith.code, 'refused');
        res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'req_fake' });
        const resumedAfter = req.headers['last-event-id'] ?? null;
        res.write('retry: 10\n\n');
        res.write(
          `event: x_exec.connection.connected\ndata: ${JSON.stringify({
            connection_id: `conn_${seen.length}`,
            project_id: 'proj_1',
            server_time: new Date().toISOString(),
            delivery: 'signal',
            poll_interval_ms: 2000,
            heartbeat_interval_ms: 30_000,
            max_duration_s: 3600,
            resumed_after: resumedAfter,
          })}\n\n`,
        );
        open.set(res, streamKind);
        res.on('close', () => open.delete(res));
        return;
      }
      if (route === 'GET /proj_1/v1/exec/approvals') {
        return list(
          approvals.list(
            url.searchParams,
            (ref) => workspaces.find((w) => w.id === ref || w.name === ref)?.id,
          ),
        );
      }
      if ((m = /^(GET|POST) \/proj_1\/v1\/exec\/approvals\/([^/]+)(\/approve|\/reject)?$/.exec(route))) {
        const approvalId = decodeURIComponent(m[2]!);
        try {
          if (m[1] === 'GET' && !m[3]) return send(200, approvals.detail(approvalId, user));
          if (m[1] !== 'POST' || !m[3]) return fail(404, 'not_found', `no route ${route}`);
          const decided = approvals.decide(
            approvalId,
            user,
            m[3] === '/approve' ? 'approve' : 'reject',
            body ?? {},
          );
          if (decided.status !== 'pending') {
            streams.send('x_exec.approval.decided', decided);
            advance(decided.execution_id, decided.status === 'approved' ? 'queued' : 'rejected');
          }
          return send(200, decided);
        } catch (err) {
          if (err instanceof FakeRefusal) return fail(err.status, err.code, err.message, err.param);
          throw err;
        }
      }
      if (route === 'GET /proj_1/v1/exec/executions')
        return list([...executions.values()].map((e) => withoutDetail(e.detail)).reverse());
      if ((m = /^(GET|POST) \/proj_1\/v1\/exec\/executions\/([^/]+)(\/.*)?$/.exec(route))) {
        const e = executions.get(m[2]!);
        if (!e) return fail(404, 'not_found', 'no such execution');
        if (m[3] === '/raw') {
          const out = e.detail.output!;
          return res
            .writeHead(200, { 'content-type': 'text/plain' })
            .end(url.searchParams.get('stream') === 'stderr' ? out.stderr : out.stdout);
        }
        if (m[1] === 'POST') {
          const to = { '/cancel': 'cancelled', '/retry': 'queued', '/mark-failed': 'failed' }[
            m[3] ?? ''
          ] as ExecutionStatus;
          e.script = [to];
          e.detail = { ...e.detail, status: to };
          return send(200, withoutDetail(e.detail));
        }
        const next = e.script.length > 1 ? e.script.shift()! : e.script[0]!;
        if (next !== e.detail.status || e.detail.history.length === 0) {
          e.detail.history.push({
            from: e.detail.history.length ? e.detail.status : null,
            to: next,
            attempt: 1,
            reason: null,
            at: '2026-01-01T00:00:01.000Z',
          });
        }
        settle(e.detail, next);
        return send(200, e.detail);
      }
      fail(404, 'not_found', `no route ${route}`);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    paging,
    streams,
    execution: (id) => withoutDetail(executions.get(id)!.detail),
    advance,
    approval: (id) => approvals.get(id)!,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** Puts an execution in `status` with the fields that status implies: agent, exit code, duration, error. */
function settle(d: ExecutionDetail, status: ExecutionStatus): void {
  const ran = !['pending_approval', 'queued', 'rejected'].includes(status);
  Object.assign(d, {
    status,
    agent_id: ran ? 'agt_1' : null,
    exit_code: status === 'completed' ? 0 : status === 'failed' ? 3 : null,
    duration_ms: ['completed', 'failed'].includes(status) ? 1200 : null,
    error: status === 'failed' ? { code: 'tool_failed', message: 'exit status 3' } : null,
  });
}

function withoutDetail(d: ExecutionDetail): Execution {
  const { history: _h, attempts: _a, output: _o, ...execution } = d;
  return execution;
}
