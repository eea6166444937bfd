import type { Execution } from '@xem/protocol';
import type { CellValue, Column } from '../../output';

/** `exec list` columns. */
export const EXECUTION_COLUMNS: Column<Execution>[] = [
  { header: 'ID', value: (e) => e.id },
  { header: 'TOOL', value: (e) => e.tool },
  { header: 'WORKSPACE', value: (e) => e.workspace_id },
  { header: 'STATUS', value: (e) => e.status },
  { header: 'RISK', value: (e) => e.risk },
  { header: 'SOURCE', value: (e) => e.source },
  { header: 'AGENT', value: (e) => e.agent_id },
  { header: 'ATTEMPT', value: (e) => `${e.attempt}/${e.max_attempts}` },
  { header: 'CREATED', value: (e) => e.created_at, time: true },
  { header: 'DURATION', value: (e) => formatDurationMs(e.duration_ms) },
];

/** `exec show` (and the cancel/retry/mark-failed answers): one execution as fields. */
export function executionFields(e: Execution): Array<[string, CellValue]> {
  return [
    ['ID', e.id],
    ['TOOL', e.tool],
    ['WORKSPACE', e.workspace_id],
    ['STATUS', e.status],
    ['RISK', e.risk],
    ['IDEMPOTENT', e.idempotent],
    ['SOURCE', e.source],
    ['AGENT', e.agent_id],
    ['ATTEMPT', `${e.attempt}/${e.max_attempts}`],
    ['EXIT_CODE', e.exit_code],
    ['ERROR', e.error ? `${e.error.message} (${e.error.code})` : null],
    ['ARGS', JSON.stringify(e.args)],
    ['TIMEOUT', formatDurationMs(e.timeout_ms)],
    ['CREATED', e.created_at],
    ['CREATED_BY', e.created_by.user_id ?? e.created_by.key_id],
    ['DISPATCHED', e.dispatched_at],
    ['FINISHED', e.finished_at],
    ['DURATION', formatDurationMs(e.duration_ms)],
  ];
}

/** `850ms`, `12.3s`, `4m05s`: short enough for a column, exact enough to compare runs. */
export function formatDurationMs(ms: number | null): string | null {
  if (ms === null) return null;
  if (ms < 1_000) return `${ms}ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)}s`;
  const s = Math.round(ms / 1_000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
