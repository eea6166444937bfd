import { OX_EVENT_NAMES } from '@xem/protocol';
import type { StoredEvent } from './committed-reader';

/** Which stream a frame is for: the dashboard's `/ops/stream`, one of the two public streams, or a chat's. */
export type StreamKind = 'ops' | 'executions' | 'approvals' | 'chat';

/** Optional filters of the public streams; each set holds the accepted values of one field. */
export interface StreamFilter {
  workspace?: ReadonlySet<string>;
  tool?: ReadonlySet<string>;
  status?: ReadonlySet<string>;
  risk?: ReadonlySet<string>;
  agent?: ReadonlySet<string>;
  chat?: ReadonlySet<string>;
}

const OX_NAMES: ReadonlySet<string> = new Set(OX_EVENT_NAMES);

/** Response headers of every SSE stream (no caching or proxy buffering; the request's id). */
export function sseHeaders(requestId: string): Record<string, string> {
  return {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-store, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-content-type-options': 'nosniff',
    'x-request-id': requestId,
  };
}

/** Encodes one SSE frame; `id` only on frames that carry a fact (connection frames have none). */
export function sseFrame(event: string, data: unknown, id?: string): string {
  return `${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export interface Mapped {
  name: string;
  data: unknown;
}

/** The name and payload an internal event has on a stream, or null when that stream does not carry it. */
function mapEvent(kind: StreamKind, e: StoredEvent): Mapped | null {
  const family = e.type.slice(0, e.type.indexOf('.'));
  if (kind === 'ops') {
    const name = `ox.${e.type}`;
    if (!OX_NAMES.has(name)) return null;
    return { name, data: opsPayload(e) };
  }
  if (kind === 'executions' && family === 'execution') return { name: `x_exec.${e.type}`, data: e.payload };
  if (kind === 'approvals' && family === 'approval') return { name: `x_exec.${e.type}`, data: e.payload };
  if (kind === 'chat') return chatFrame(e);
  return null;
}

/** The frames of a chat's streams: its messages, its turn, and questions as `x_ask_user.question`. */
export function chatFrame(e: StoredEvent): Mapped | null {
  const p = e.payload;
  switch (e.type) {
    case 'chat.message':
      return { name: 'chat.message', data: { type: 'chat.message', chat_id: p.chat_id, message: p.message } };
    case 'chat.turn':
      return {
        name: 'chat.turn',
        data: { type: 'chat.turn', chat_id: p.chat_id, turn_status: p.turn_status, error: p.error ?? null },
      };
    case 'chat.question': {
      const { workspace_id: _ws, ...question } = p;
      return { name: 'x_ask_user.question', data: question };
    }
    default:
      return null;
  }
}

/** Payloads as the seed names them: mostly the row itself, with two documented exceptions. */
function opsPayload(e: StoredEvent): unknown {
  const p = e.payload;
  if (e.type === 'approval.decided') return { id: p.id };
  if (e.type === 'execution.failed') {
    const err = (p.error ?? null) as { code?: string; message?: string } | null;
    return {
      ...p,
      envelope: {
        error: {
          message: err?.message ?? 'the execution failed',
          type: 'execution_error',
          code: err?.code ?? 'execution_failed',
          param: null,
        },
      },
    };
  }
  return p;
}

// Every stream of a process receives the same StoredEvent objects, so each frame is encoded once.
const cache = new WeakMap<StoredEvent, Partial<Record<StreamKind, string | null>>>();

/** The encoded frame of `e` for streams of `kind` (null when not carried), computed once per event. */
export function frameOf(kind: StreamKind, e: StoredEvent): string | null {
  let entry = cache.get(e);
  if (!entry) cache.set(e, (entry = {}));
  let frame = entry[kind];
  if (frame === undefined) {
    const m = mapEvent(kind, e);
    frame = m ? sseFrame(m.name, m.data, e.id) : null;
    entry[kind] = frame;
  }
  return frame;
}

/** Whether an event passes a public stream's filters (fields read from the internal payload). */
export function matchesFilter(filter: StreamFilter | null, e: StoredEvent): boolean {
  if (!filter) return true;
  const p = e.payload;
  const checks: [ReadonlySet<string> | undefined, unknown][] = [
    [filter.workspace, p.workspace_id],
    [filter.tool, p.tool ?? p.tool_name],
    [filter.status, p.status],
    [filter.risk, p.risk],
    [filter.agent, p.agent_id],
    [filter.chat, p.chat_id],
  ];
  for (const [accepted, value] of checks) {
    if (accepted && !(typeof value === 'string' && accepted.has(value))) return false;
  }
  return true;
}
