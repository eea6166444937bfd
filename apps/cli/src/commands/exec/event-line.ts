import type { Execution } from '@xem/protocol';
import { formatCell } from '../../output';

/** An execution event as `exec watch` prints it; `id` is null for state read, not streamed. */
export interface WatchedEvent {
  id: string | null;
  event: string;
  data: Execution;
}

/** Terminal column widths: RFC 3339 to the second, the longest event name, an execution id. */
const WIDTHS = [20, 26, 24, 16];

/**
 * `AT EVENT EXECUTION TOOL STATUS`, AT being when the event arrived. A terminal gets padded
 * columns (no header: lines arrive one at a time), a pipe tab-separated fields.
 */
export function formatEventLine(e: WatchedEvent, atIso: string, tty: boolean): string {
  const cells = [
    formatCell(atIso, tty, true),
    formatCell(e.event, tty),
    formatCell(e.data.id, tty),
    formatCell(e.data.tool, tty),
    formatCell(e.data.status, tty),
  ];
  if (!tty) return cells.join('\t');
  return cells.map((c, i) => c.padEnd(WIDTHS[i] ?? 0)).join('  ');
}

/** One JSON object per line: `{"id", "event", "data"}`. */
export function formatEventJson(e: WatchedEvent): string {
  return JSON.stringify({ id: e.id, event: e.event, data: e.data });
}
