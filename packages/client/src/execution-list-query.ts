import type { ExecutionSource, ExecutionStatus, Risk } from '@xem/protocol';

/**
 * Filters of `GET …/exec/executions`. The list filters (`status`, `risk`, `source`) take several
 * values, sent comma-separated; `cursor` is the `next_cursor` of the previous page.
 */
export interface ExecutionListQuery {
  limit?: number | undefined;
  cursor?: string | undefined;
  status?: readonly ExecutionStatus[] | undefined;
  tool?: string | undefined;
  agent?: string | undefined;
  /** Workspace id or name. */
  workspace?: string | undefined;
  risk?: readonly Risk[] | undefined;
  source?: readonly ExecutionSource[] | undefined;
  /** Only the executions of this chat's tool calls. */
  chat?: string | undefined;
  /** RFC 3339. */
  since?: string | undefined;
  until?: string | undefined;
}

/**
 * Paging of the plain list routes (API keys, members, invitations, workspaces, join keys, agents,
 * tools); `cursor` is the `next_cursor` of the previous page.
 */
export interface PageQuery {
  limit?: number | undefined;
  cursor?: string | undefined;
}
