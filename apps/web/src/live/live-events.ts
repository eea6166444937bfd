import type { QueryClient, QueryKey } from '@tanstack/react-query';
import type { EventStream, StreamStatus } from '@xem/client';
import type { SseEvent } from '@xem/protocol';
import { applyChatEvent, chatKeys } from '../chats/chat-live';
import { ops } from '../ops-client';

/** An `ox.*` event with its JSON payload parsed. */
export interface LiveEvent {
  name: string;
  id: string | null;
  data: Record<string, unknown>;
}

type Listener = (e: LiveEvent) => void;

const listeners = new Set<Listener>();
const statusListeners = new Set<() => void>();
let status: StreamStatus = {
  state: 'connecting',
  error: null,
  lastEventAtMs: null,
  lastEventId: null,
  failures: 0,
  retryInMs: null,
};
let stream: EventStream<SseEvent> | null = null;
let everLive = false;

/** Families of events and the queries whose data they change. */
function keysFor(e: LiveEvent): QueryKey[] {
  const family = e.name.split('.')[1];
  const id = typeof e.data.id === 'string' ? e.data.id : null;
  switch (family) {
    case 'execution':
      return [['executions'], ['overview'], ['graph'], ...(id ? [['execution', id]] : [])];
    case 'approval':
      return [['approvals'], ['overview'], ['graph'], ['executions'], ...(id ? [['approval', id]] : [])];
    case 'agent':
      return [['agents'], ['overview'], ['graph'], ['workspaces'], ...(id ? [['agent', id]] : [])];
    case 'workspace':
      return [['workspaces'], ['graph'], ...(id ? [['workspace', id]] : [])];
    case 'discovery':
      return [['tools'], ['agents'], ['graph'], ['discovery']];
    case 'manifest':
      return [['tools'], ['agents'], ['graph']];
    case 'template':
      return [['templates'], ...(id ? [['template', id]] : [])];
    case 'chat':
      return chatKeys(e.name, e.data);
    default:
      return [];
  }
}

/** Invalidations are coalesced: a burst of 1,000 events refetches each query once. */
const pending = new Map<string, QueryKey>();
let flushTimer: ReturnType<typeof setTimeout> | null = null;
function invalidateSoon(qc: QueryClient, keys: QueryKey[]): void {
  for (const k of keys) pending.set(JSON.stringify(k), k);
  flushTimer ??= setTimeout(() => {
    flushTimer = null;
    const batch = [...pending.values()];
    pending.clear();
    for (const queryKey of batch) void qc.invalidateQueries({ queryKey });
  }, 250);
}

function parse(e: SseEvent): LiveEvent {
  let data: Record<string, unknown> = {};
  try {
    const v: unknown = e.data ? JSON.parse(e.data) : {};
    if (v && typeof v === 'object' && !Array.isArray(v)) data = v as Record<string, unknown>;
  } catch {
    // a frame without JSON (none are sent today) carries no data
  }
  return { name: e.event, id: e.id, data };
}

/**
 * Opens /ops/stream once for the signed-in page. Every event refreshes the queries it touches
 * (coalesced), and reaches the listeners of useLiveEvent (e.g. Operations upserts rows in place).
 */
export function startLive(qc: QueryClient): void {
  if (stream) return;
  stream = ops.openStream({
    onStatus: (s) => {
      const before = status.state;
      status = s;
      for (const l of statusListeners) l();
      // The first connection replays nothing: whatever changed between a view's first fetch and
      // the stream going live would be missed, so the views on screen refetch once. A
      // reconnection resumes with Last-Event-ID; after a long outage a full refresh is surer.
      if (s.state === 'live' && (!everLive || before === 'offline'))
        void qc.invalidateQueries({ refetchType: 'active' });
      if (s.state === 'live') everLive = true;
    },
  });
  void (async () => {
    for await (const raw of stream) {
      const e = parse(raw);
      if (e.name === 'ox.connection.resync') void qc.invalidateQueries();
      if (e.name.startsWith('ox.chat.')) applyChatEvent(qc, e.name, e.data);
      invalidateSoon(qc, keysFor(e));
      for (const l of listeners) l(e);
    }
  })().catch(() => {
    // closed for good (signed out); the status says why
  });
}

/** Closes the stream (logout). */
export function stopLive(): void {
  stream?.close();
  stream = null;
}

export function onLiveEvent(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function subscribeStatus(l: () => void): () => void {
  statusListeners.add(l);
  return () => statusListeners.delete(l);
}

export function currentStatus(): StreamStatus {
  return status;
}
