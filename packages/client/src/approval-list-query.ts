import type { ApprovalStatus, Risk } from '@xem/protocol';

/**
 * Filters of `GET …/exec/approvals`, newest first. `status` and `risk` take several values, sent
 * comma-separated; `cursor` is the `next_cursor` of the previous page.
 */
export interface ApprovalListQuery {
  limit?: number | undefined;
  cursor?: string | undefined;
  status?: readonly ApprovalStatus[] | undefined;
  risk?: readonly Risk[] | undefined;
  /** Workspace id or name. */
  workspace?: string | undefined;
  /** The agent that runs (or ran) the approval's execution. */
  agent?: string | undefined;
  tool?: string | undefined;
}
