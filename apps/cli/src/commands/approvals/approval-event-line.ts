import type { ApprovalStreamEvent } from '@xem/client';
import { formatCell } from '../../output';
import { formatStage, formatVotes } from './approval-columns';

/** An approval fact of the stream (`x_exec.approval.*`), as `approvals watch` prints it. */
export type ApprovalFact = Extract<ApprovalStreamEvent, { event: `x_exec.approval.${string}` }>;

/** Terminal column widths: RFC 3339 to the second, the longest event name, an id, a tool, a risk, a status. */
const WIDTHS = [20, 27, 24, 16, 12, 11, 5];

/**
 * `AT EVENT APPROVAL TOOL RISK STATUS STAGE VOTES`, AT being when the event arrived. A terminal
 * gets padded columns (no header: lines arrive one at a time), a pipe tab-separated fields.
 */
export function formatApprovalEventLine(e: ApprovalFact, atIso: string, tty: boolean): string {
  const a = e.data;
  const cells = [
    formatCell(atIso, tty, true),
    formatCell(e.event, tty),
    formatCell(a.id, tty),
    formatCell(a.tool, tty),
    formatCell(a.risk, tty),
    formatCell(a.status, tty),
    formatStage(a),
    formatVotes(a),
  ];
  if (!tty) return cells.join('\t');
  return cells.map((c, i) => c.padEnd(WIDTHS[i] ?? 0)).join('  ');
}

/** One JSON object per line: `{"id", "event", "data"}`. */
export function formatApprovalEventJson(e: ApprovalFact): string {
  return JSON.stringify({ id: e.id, event: e.event, data: e.data });
}
