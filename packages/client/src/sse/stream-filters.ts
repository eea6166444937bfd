import type { ApprovalStatus, ExecutionStatus, Risk } from '@xem/protocol';

type OneOrMany<T extends string> = T | readonly T[];

/** Filters of the executions stream; several values of one filter match any of them. */
export interface ExecutionStreamFilters {
  /** Workspace ids or names. */
  workspace?: OneOrMany<string> | undefined;
  tool?: OneOrMany<string> | undefined;
  status?: OneOrMany<ExecutionStatus> | undefined;
  risk?: OneOrMany<Risk> | undefined;
  agent?: OneOrMany<string> | undefined;
}

/** Filters of the approvals stream (`status` is the approval's status). */
export interface ApprovalStreamFilters {
  workspace?: OneOrMany<string> | undefined;
  tool?: OneOrMany<string> | undefined;
  status?: OneOrMany<ApprovalStatus> | undefined;
  risk?: OneOrMany<Risk> | undefined;
  agent?: OneOrMany<string> | undefined;
}

/** Each filter as one query parameter, lists comma-separated; empty filters are left out. */
export function setStreamFilters(
  params: URLSearchParams,
  filters: ExecutionStreamFilters | ApprovalStreamFilters,
): void {
  for (const [name, value] of Object.entries(filters) as Array<[string, OneOrMany<string> | undefined]>) {
    const joined = typeof value === 'string' ? value : (value ?? []).join(',');
    if (joined !== '') params.set(name, joined);
  }
}
