import type { ExecutionListQuery } from '@xem/client';
import type { Execution, ExecutionSource, ExecutionStatus, Risk } from '@xem/protocol';
import { compact, str } from '../routes/search-params';

export const STATUSES: readonly ExecutionStatus[] = [
  'pending_approval',
  'queued',
  'dispatched',
  'completed',
  'failed',
  'timed_out',
  'cancelled',
  'rejected',
  'ambiguous',
];
export const RISKS: readonly Risk[] = ['read', 'write', 'destructive', 'irreversible'];
export const SOURCES: readonly ExecutionSource[] = ['api', 'cli', 'dashboard', 'chat', 'mcp'];

/** Time windows of the filter bar, in ms; `all` (no `window` in the URL) has no bound. */
export const WINDOWS = { '15m': 15 * 60_000, '1h': 3_600_000, '24h': 86_400_000, '7d': 604_800_000 } as const;
export type WindowKey = keyof typeof WINDOWS;

/** The URL of the Operations tab: filters, sort, and the execution whose modal is open. */
export interface OperationsSearch {
  status?: string;
  tool?: string;
  agent?: string;
  workspace?: string;
  risk?: string;
  source?: string;
  window?: string;
  sort?: string;
  execution?: string;
}

export function validateOperationsSearch(s: Record<string, unknown>): OperationsSearch {
  return compact({
    status: str(s.status),
    tool: str(s.tool),
    agent: str(s.agent),
    workspace: str(s.workspace),
    risk: str(s.risk),
    source: str(s.source),
    window: str(s.window),
    sort: str(s.sort),
    execution: str(s.execution),
  });
}

/** The filters of a URL, with unknown values dropped (a hand-edited URL never breaks the page). */
export interface ExecutionFilters {
  status: ExecutionStatus[];
  risk: Risk[];
  source: ExecutionSource[];
  tool: string | undefined;
  agent: string | undefined;
  workspace: string | undefined;
  window: WindowKey | undefined;
}

function listOf<T extends string>(value: string | undefined, allowed: readonly T[]): T[] {
  if (!value) return [];
  return value.split(',').filter((v): v is T => (allowed as readonly string[]).includes(v));
}

export function filtersOf(s: OperationsSearch): ExecutionFilters {
  return {
    status: listOf(s.status, STATUSES),
    risk: listOf(s.risk, RISKS),
    source: listOf(s.source, SOURCES),
    tool: s.tool,
    agent: s.agent,
    workspace: s.workspace,
    window: s.window && s.window in WINDOWS ? (s.window as WindowKey) : undefined,
  };
}

/** The start of the window, in ms since the epoch, or null for all time. */
export function sinceMsOf(f: ExecutionFilters, nowMs: number): number | null {
  return f.window ? nowMs - WINDOWS[f.window] : null;
}

/** The server-side list query of the filters; the window becomes `since`, taken at fetch time. */
export function listQueryOf(f: ExecutionFilters, nowMs: number): ExecutionListQuery {
  const since = sinceMsOf(f, nowMs);
  return {
    status: f.status.length ? f.status : undefined,
    risk: f.risk.length ? f.risk : undefined,
    source: f.source.length ? f.source : undefined,
    tool: f.tool,
    agent: f.agent,
    workspace: f.workspace,
    since: since === null ? undefined : new Date(since).toISOString(),
  };
}

/**
 * Whether a (live) execution belongs in the list of these filters. `workspaceId` is the id the
 * `workspace` filter names (the filter takes an id or a name; the row only has the id).
 */
export function matchesFilters(
  e: Execution,
  f: ExecutionFilters,
  sinceMs: number | null,
  workspaceId: string | undefined,
): boolean {
  if (f.status.length && !f.status.includes(e.status)) return false;
  if (f.risk.length && !f.risk.includes(e.risk)) return false;
  if (f.source.length && !f.source.includes(e.source)) return false;
  if (f.tool && e.tool !== f.tool) return false;
  if (f.agent && e.agent_id !== f.agent) return false;
  if (f.workspace && e.workspace_id !== (workspaceId ?? f.workspace)) return false;
  if (sinceMs !== null && Date.parse(e.created_at) < sinceMs) return false;
  return true;
}
