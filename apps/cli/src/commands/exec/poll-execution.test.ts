import type { XemClient } from '@xem/client';
import type { ExecutionDetail, ExecutionStatus } from '@xem/protocol';
import { describe, expect, it } from 'vitest';
import { executionDetail } from '../../../test/fleet-fixtures';
import { pollExecution } from './poll-execution';

/** A client whose getExecution walks through `statuses`, and a clock that only moves on sleep. */
function scripted(statuses: ExecutionStatus[]) {
  let now = 0;
  const sleeps: number[] = [];
  const client = {
    getExecution: async (): Promise<ExecutionDetail> => ({
      ...executionDetail,
      status: statuses.length > 1 ? statuses.shift()! : statuses[0]!,
    }),
  } as unknown as XemClient;
  return {
    client,
    sleeps,
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}

describe('pollExecution', () => {
  it('backs off from 100 ms, doubling up to 1 s, until a terminal status', async () => {
    const s = scripted([
      'queued',
      'queued',
      'dispatched',
      'dispatched',
      'dispatched',
      'dispatched',
      'completed',
    ]);
    const seen: string[] = [];
    const r = await pollExecution(s.client, 'exe_1', {
      sleep: s.sleep,
      now: s.now,
      onUpdate: (d) => seen.push(d.status),
    });
    expect(r.finished).toBe(true);
    expect(r.detail.status).toBe('completed');
    expect(s.sleeps).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(seen).toHaveLength(7);
  });

  it.each<ExecutionStatus>(['failed', 'timed_out', 'cancelled', 'rejected', 'ambiguous'])(
    'stops at %s',
    async (status) => {
      const s = scripted(['dispatched', status]);
      const r = await pollExecution(s.client, 'exe_1', { sleep: s.sleep, now: s.now });
      expect(r).toMatchObject({ finished: true, detail: { status } });
    },
  );

  it('gives up at the timeout, never sleeping past it, with the last status', async () => {
    const s = scripted(['pending_approval']);
    const r = await pollExecution(s.client, 'exe_1', { timeoutMs: 1_000, sleep: s.sleep, now: s.now });
    expect(r).toMatchObject({ finished: false, detail: { status: 'pending_approval' } });
    expect(s.sleeps).toEqual([100, 200, 400, 300]);
    expect(s.sleeps.reduce((a, b) => a + b)).toBe(1_000);
  });
});
