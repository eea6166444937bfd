import { Execution } from '@xem/protocol';
import { describe, expect, it } from 'vitest';
import { BENCH_AGENTS, BENCH_WORKSPACES, generateExecutions } from './generate-executions';

const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('the Operations benchmark data generator', () => {
  const rows = generateExecutions(5_000, 7, NOW);

  it('makes rows the API schema accepts', () => {
    for (const r of rows.slice(0, 200)) expect(Execution.parse(r)).toEqual(r);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    expect(generateExecutions(50, 7, NOW)).toEqual(rows.slice(0, 50));
    expect(generateExecutions(50, 8, NOW)[0]!.id).not.toBe(rows[0]!.id);
  });

  it('orders rows newest first with unique ids, like a page of the server', () => {
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
    for (let i = 1; i < rows.length; i++) expect(rows[i - 1]!.created_at >= rows[i]!.created_at).toBe(true);
  });

  it('covers every status and keeps each row consistent with its status', () => {
    const statuses = new Set(rows.map((r) => r.status));
    expect(statuses.size).toBe(9);
    const agents = new Set(BENCH_AGENTS.map((a) => a.id));
    const workspaces = new Set(BENCH_WORKSPACES.map((w) => w.id));
    for (const r of rows) {
      expect(workspaces.has(r.workspace_id)).toBe(true);
      if (r.status === 'queued' || r.status === 'pending_approval') {
        expect(r.agent_id).toBeNull();
        expect(r.duration_ms).toBeNull();
      }
      if (r.status === 'completed') {
        expect(agents.has(r.agent_id!)).toBe(true);
        expect(r.exit_code).toBe(0);
        expect(Date.parse(r.finished_at!) - Date.parse(r.dispatched_at!)).toBe(r.duration_ms);
      }
    }
  });
});
