import { sql, type Kysely } from 'kysely';
import type { ExecutionStatus, LogFrame, ProgressFrame, ResultFrame, RouterFrame } from '@xem/protocol';
import type { z } from 'zod';
import type { AppDeps } from '../app-deps';
import { auditDenied } from '../audit/append-audit';
import type { AuditContext } from '../audit/audit-context';
import { notifyDispatch } from '../channel/notify-agent';
import type { Database } from '../db/schema';
import { changeExecutionStatus } from './change-execution-status';
import type { ExecutionRow } from './execution-view';
import { recoverExecution, SERVER_ENDED_CODES } from './recover-agent-executions';

export type ExecutionFrame = z.infer<typeof ProgressFrame> | z.infer<typeof LogFrame> | ResultFrame;

export interface FrameAgent {
  agentId: string;
  projectId: string;
}

type Verdict = { kind: 'stored' } | { kind: 'duplicate' } | { kind: 'stale'; why: string };

function agentContext(agentId: string): AuditContext {
  return { actorType: 'agent', actorId: agentId, userId: null, via: 'agent', requestId: null, ip: null };
}

/**
 * Handles an agent's progress, log or result frame. Each must name the execution's current
 * attempt, dispatched to this agent; anything else is refused as `stale_attempt` and audited.
 * A result finishes the attempt and is acknowledged; the same result sent again (the ack was
 * lost) is acknowledged again without changing anything.
 */
export async function handleExecutionFrame(
  deps: Pick<AppDeps, 'db'>,
  agent: FrameAgent,
  frame: ExecutionFrame,
): Promise<RouterFrame | null> {
  const ref = { execution_id: frame.execution_id, attempt: frame.attempt };
  const verdict = await deps.db.transaction().execute(async (trx): Promise<Verdict> => {
    const row = await trx
      .selectFrom('executions')
      .selectAll()
      .where('id', '=', frame.execution_id)
      .where('project_id', '=', agent.projectId)
      // Results decide the status; logs only append and need not wait for other writers.
      .$if(frame.type === 'result', (q) => q.forUpdate())
      .executeTakeFirst();
    const why = staleness(row, agent, frame.attempt);
    if (why !== null) {
      if (frame.type === 'result' && row && (await storedBefore(trx, row, agent, frame.attempt))) {
        return { kind: 'duplicate' };
      }
      return { kind: 'stale', why };
    }
    if (frame.type === 'progress') {
      const data = JSON.stringify({ message: frame.message ?? null, percent: frame.percent ?? null });
      await insertLog(trx, frame, 'progress', data);
    } else if (frame.type === 'log') {
      await insertLog(trx, frame, frame.stream, frame.data);
    } else {
      await storeResult(trx, row!, frame, agentContext(agent.agentId));
    }
    return { kind: 'stored' };
  });

  if (verdict.kind === 'stale') {
    await auditDenied(deps.db, agent.projectId, agentContext(agent.agentId), {
      action: 'execution.frame_refused',
      targetType: 'execution',
      targetId: frame.execution_id,
      after: { frame: frame.type, attempt: frame.attempt, reason: verdict.why },
    });
    return {
      type: 'error',
      code: 'stale_attempt',
      message: `${frame.type} for execution ${frame.execution_id} attempt ${frame.attempt} refused: ${verdict.why}; stop reporting it`,
      ...ref,
    };
  }
  return frame.type === 'result' ? { type: 'result_ack', ...ref } : null;
}

function staleness(row: ExecutionRow | undefined, agent: FrameAgent, attempt: number): string | null {
  if (!row) return 'no such execution in the agent’s project';
  if (row.agent_id !== agent.agentId) return 'the execution is not dispatched to this agent';
  if (row.attempt !== attempt) return `the current attempt is ${row.attempt}`;
  if (row.status !== 'dispatched') return `the execution is ${row.status}`;
  return null;
}

/** Did this agent's result for this attempt already finish it (and the execution not move on)? */
async function storedBefore(
  trx: Kysely<Database>,
  row: ExecutionRow,
  agent: FrameAgent,
  attempt: number,
): Promise<boolean> {
  if (row.attempt !== attempt || row.agent_id !== agent.agentId || row.status === 'dispatched') return false;
  const a = await trx
    .selectFrom('execution_attempts')
    .select(['finished_at', 'error'])
    .where('execution_id', '=', row.id)
    .where('attempt', '=', attempt)
    .where('agent_id', '=', agent.agentId)
    .executeTakeFirst();
  if (!a?.finished_at) return false;
  const code = (a.error as { code?: string } | null)?.code;
  return code === undefined || !SERVER_ENDED_CODES.has(code);
}

async function insertLog(
  trx: Kysely<Database>,
  frame: { execution_id: string; attempt: number },
  kind: 'stdout' | 'stderr' | 'progress',
  data: string,
): Promise<void> {
  await trx
    .insertInto('execution_logs')
    .values({ execution_id: frame.execution_id, attempt: frame.attempt, kind, data })
    .execute();
}

async function storeResult(
  trx: Kysely<Database>,
  row: ExecutionRow,
  frame: ResultFrame,
  ctx: AuditContext,
): Promise<void> {
  const output = {
    stdout: frame.stdout,
    stderr: frame.stderr,
    truncated: frame.truncated,
    exit_code: frame.exit_code,
  };
  const busy = frame.outcome === 'failed' && frame.error?.code === 'agent_busy';
  if (frame.outcome === 'abandoned' || busy) {
    await trx
      .updateTable('execution_attempts')
      .set(output)
      .where('execution_id', '=', row.id)
      .where('attempt', '=', row.attempt)
      .execute();
    await recoverExecution(
      trx,
      row,
      busy ? 'the agent was at its concurrency limit' : 'the agent abandoned the run',
      ctx,
      busy ? 'agent_busy' : 'abandoned',
    );
    return;
  }
  const to: ExecutionStatus = frame.outcome;
  const error = errorFor(frame, row.timeout_ms);
  const errorJson = error === null ? null : JSON.stringify(error);
  await changeExecutionStatus(trx, {
    executionId: row.id,
    to,
    from: ['dispatched'],
    attempt: row.attempt,
    agentId: row.agent_id!,
    set: { exit_code: frame.exit_code, error: errorJson, finished_at: sql`now()` },
    reason: error?.message ?? (to === 'cancelled' ? 'cancelled by the agent' : null),
    ctx,
    action: 'execution.result',
  });
  await trx
    .updateTable('execution_attempts')
    .set({ ...output, status: to, error: errorJson, finished_at: sql`now()` })
    .where('execution_id', '=', row.id)
    .where('attempt', '=', row.attempt)
    .execute();
  await notifyDispatch(trx, row.workspace_id);
}

function errorFor(frame: ResultFrame, timeoutMs: number): { code: string; message: string } | null {
  if (frame.error) return frame.error;
  switch (frame.outcome) {
    case 'failed':
      return {
        code: 'tool_failed',
        message:
          frame.exit_code === null ? 'the tool failed' : `the tool exited with code ${frame.exit_code}`,
      };
    case 'timed_out':
      return { code: 'timeout', message: `the tool ran longer than its ${timeoutMs} ms timeout` };
    case 'completed':
    case 'cancelled':
    case 'abandoned':
      return null;
  }
}
