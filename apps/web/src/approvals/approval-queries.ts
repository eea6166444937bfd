import { useQueries, useQuery } from '@tanstack/react-query';
import type { Approval, ApprovalDetail, ApprovalStatus } from '@xem/protocol';
import { fetchAll } from '../fetch-all';
import { api } from '../ops-client';

/** How many decided approvals the Decisions view shows (the seed's "last 100 decisions"). */
export const DECISIONS_SHOWN = 100;
/** Pending requests shown at once; more than this is an incident of its own, and the page says so. */
export const PENDING_SHOWN = 200;

const DECIDED: ApprovalStatus[] = ['approved', 'rejected', 'timed_out', 'cancelled', 'invalidated'];

/**
 * The two lists of the tab. Both live under ['approvals'], which every ox.approval.* event
 * invalidates (live/live-events.ts): a decided request leaves Pending and enters Decisions
 * without a reload.
 */
export function usePendingApprovals() {
  return useQuery({
    queryKey: ['approvals', 'pending'],
    queryFn: () => api.listApprovals({ status: ['pending'], limit: PENDING_SHOWN }),
  });
}

export function useDecidedApprovals() {
  return useQuery({
    queryKey: ['approvals', 'decisions'],
    queryFn: () => api.listApprovals({ status: DECIDED, limit: DECISIONS_SHOWN }),
  });
}

/** One approval with `viewer` (may the signed-in user decide it, and if not why). */
export function useApprovalDetail(id: string) {
  return useQuery({ queryKey: ['approval', id], queryFn: () => api.getApproval(id) });
}

/**
 * `viewer` of every pending row shown, one GET each, under the same ['approval', id] key as the
 * detail page (so the two share the cache and the live invalidation). Only pending rows need it:
 * a decided approval can be decided by nobody.
 */
export function useViewers(rows: Approval[]): Map<string, ApprovalDetail['viewer'] | Error> {
  const results = useQueries({
    queries: rows.map((a) => ({
      queryKey: ['approval', a.id],
      queryFn: () => api.getApproval(a.id),
    })),
  });
  const map = new Map<string, ApprovalDetail['viewer'] | Error>();
  results.forEach((r, i) => {
    const id = rows[i]!.id;
    if (r.data) map.set(id, r.data.viewer);
    else if (r.error) map.set(id, r.error);
  });
  return map;
}

/** User id → e-mail of the project's members, to name requesters, voters and approvers. */
export function useMemberEmails(): Map<string, string> {
  const q = useQuery({ queryKey: ['members'], queryFn: () => fetchAll((p) => api.listMembers(p)) });
  return new Map((q.data ?? []).map((m) => [m.user_id, m.email]));
}

/** Workspace id → name. */
export function useWorkspaceNames(): Map<string, string> {
  const q = useQuery({ queryKey: ['workspaces'], queryFn: () => fetchAll((p) => api.listWorkspaces(p)) });
  return new Map((q.data ?? []).map((w) => [w.id, w.name]));
}

/** The execution an approval stands in front of (['execution', id] is refreshed by ox.execution.*). */
export function useExecution(id: string) {
  return useQuery({ queryKey: ['execution', id], queryFn: () => api.getExecution(id) });
}
