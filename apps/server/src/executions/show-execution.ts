import type { Kysely } from 'kysely';
import type { ExecutionDetail, ExecutionStatus } from '@xem/protocol';
import type { Database } from '../db/schema';
import { notFound } from '../http/app-error';
import { toExecution, type ExecutionRow } from './execution-view';

/** One execution of the project; another project's id is not found. */
export async function getExecution(
  db: Kysely<Database>,
  projectId: string,
  id: string,
  lock = false,
): Promise<ExecutionRow> {
  const row = await db
    .selectFrom('executions')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('id', '=', id)
    .$if(lock, (q) => q.forUpdate())
    .executeTakeFirst();
  if (!row) throw notFound('execution', id);
  return row;
}

type ErrorValue = { code: string; message: string } | null;

/** The execution with its transition history, its attempts and the output of the latest attempt. */
export async function showExecution(
  db: Kysely<Database>,
  projectId: string,
  id: string,
): Promise<ExecutionDetail> {
  const row = await getExecution(db, projectId, id);
  const [history, attempts] = await Promise.all([
    db.selectFrom('execution_transitions').selectAll().where('execution_id', '=', id).orderBy('id').execute(),
    db
      .selectFrom('execution_attempts')
      .selectAll()
      .where('execution_id', '=', id)
      .orderBy('attempt')
      .execute(),
  ]);
  const latest = attempts.at(-1);
  return {
    ...toExecution(row),
    history: history.map((h) => ({
      from: h.from_status as ExecutionStatus | null,
      to: h.to_status as ExecutionStatus,
      attempt: h.attempt,
      reason: h.reason,
      at: h.at.toISOString(),
    })),
    attempts: attempts.map((a) => ({
      attempt: a.attempt,
      agent_id: a.agent_id,
      status: a.status as ExecutionStatus,
      exit_code: a.exit_code,
      error: (a.error as ErrorValue) ?? null,
      dispatched_at: a.dispatched_at.toISOString(),
      finished_at: a.finished_at?.toISOString() ?? null,
    })),
    output: latest ? { stdout: latest.stdout, stderr: latest.stderr, truncated: latest.truncated } : null,
  };
}

/** Raw output of the latest attempt ('' before the first dispatch). */
export async function rawOutput(
  db: Kysely<Database>,
  projectId: string,
  id: string,
  stream: 'stdout' | 'stderr',
): Promise<string> {
  await getExecution(db, projectId, id);
  const latest = await db
    .selectFrom('execution_attempts')
    .select(['stdout', 'stderr'])
    .where('execution_id', '=', id)
    .orderBy('attempt', 'desc')
    .limit(1)
    .executeTakeFirst();
  return latest ? latest[stream] : '';
}
