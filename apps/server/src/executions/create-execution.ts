import { sql, type Kysely } from 'kysely';
import type {
  CreateExecutionRequest,
  Execution,
  ExecutionSource,
  ExecutionStatus,
  Risk,
} from '@xem/protocol';
import { withApprovalFloor } from '../approvals/approval-floor';
import { effectivePolicy, levelFor } from '../approvals/approval-policy';
import type { NotifySettings } from '../approvals/notify-stage';
import { newApprovalId, requestApproval } from '../approvals/request-approval';
import type { Database } from '../db/schema';
import type { AuditContext } from '../audit/audit-context';
import { canonicalJson } from '../audit/canonical-json';
import { notifyDispatch } from '../channel/notify-agent';
import { AppError } from '../http/app-error';
import { newId, sha256Hex } from '../ids';
import { recordTransition } from './change-execution-status';
import { toExecution, type ExecutionRow } from './execution-view';
import { findWorkspace } from './find-workspace';
import { findTool, toolParamSchemas } from './tool-catalogue';
import { validateArgs } from './validate-args';

export interface CreateExecutionInput {
  projectId: string;
  body: CreateExecutionRequest;
  idempotencyKey: string | null;
  source: ExecutionSource;
  userId: string | null;
  keyId: string | null;
  ctx: AuditContext;
  /** Approval also required from this risk up, whatever the workspace's policy says (chat templates). */
  approvalFloor?: Risk | null;
  /** The chat tool call this execution is (source `chat`). */
  chat?: { id: string; toolCallId: string } | null;
}

export interface CreateExecutionSettings {
  maxAttempts: number;
  /** Suggested wait before retrying when no agent can run the tool (503). */
  retryAfterSeconds: number;
  /** How approvers of an execution that needs approval are notified. */
  notify: NotifySettings;
}

/**
 * Starts an execution: `queued` (dispatchers are woken in the same transaction) or
 * `pending_approval` with its approval when the workspace's policy asks for one at the tool's risk. With an Idempotency-Key the same body answers the same
 * execution as first created; a different body is refused.
 */
export async function createExecution(
  db: Kysely<Database>,
  settings: CreateExecutionSettings,
  input: CreateExecutionInput,
): Promise<Execution> {
  const { projectId, body } = input;
  const requestHash = sha256Hex(canonicalJson(body));
  if (input.idempotencyKey !== null) {
    const earlier = await replay(db, projectId, input.idempotencyKey, requestHash);
    if (earlier) return earlier;
  }

  const workspace = await findWorkspace(db, projectId, body.workspace);
  const tool = await findTool(db, projectId, body.tool);
  if (!tool) {
    throw new AppError(
      'exec_tool_not_found',
      `no agent of this project offers tool ${body.tool}; GET /exec/tools lists the catalogue`,
      { status: 400, param: 'tool' },
    );
  }
  for (const schema of await toolParamSchemas(db, projectId, tool.name))
    validateArgs(tool.name, schema, body.args);
  if (!body.queue && !(await executorAvailable(db, projectId, workspace.id, tool.name))) {
    throw new AppError(
      'tool_executor_unavailable',
      `no online, unpaused agent bound to workspace ${workspace.name} offers ${tool.name}; retry later or send "queue": true to wait for one`,
      { retryAfterSeconds: settings.retryAfterSeconds },
    );
  }
  const policy = await effectivePolicy(db, workspace.id);
  const level = withApprovalFloor(levelFor(policy.levels, tool.risk), tool.risk, input.approvalFloor ?? null);
  const status: ExecutionStatus = level.requires_approval ? 'pending_approval' : 'queued';
  const approvalId = level.requires_approval ? newApprovalId() : null;

  const created = await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('executions')
      .values({
        id: newId('exe'),
        project_id: projectId,
        workspace_id: workspace.id,
        tool: tool.name,
        args: JSON.stringify(body.args),
        risk: tool.risk,
        idempotent: tool.idempotent,
        timeout_ms: tool.timeout_ms,
        source: input.source,
        status,
        attempt: 0,
        max_attempts: settings.maxAttempts,
        created_by_user: input.userId,
        created_by_key: input.keyId,
        idempotency_key: input.idempotencyKey,
        request_hash: input.idempotencyKey === null ? null : requestHash,
        queued_at: status === 'queued' ? sql`now()` : null,
        approval_id: approvalId,
        chat_id: input.chat?.id ?? null,
        chat_tool_call_id: input.chat?.toolCallId ?? null,
      })
      // A concurrent request with the same key won the insert; it is answered like a replay.
      .onConflict((oc) =>
        oc.columns(['project_id', 'idempotency_key']).where('idempotency_key', 'is not', null).doNothing(),
      )
      .returningAll()
      .executeTakeFirst();
    if (!row) return null;
    await recordTransition(trx, row, null, null, input.ctx, 'execution.create');
    if (status === 'queued') await notifyDispatch(trx, workspace.id);
    else
      await requestApproval(
        trx,
        approvalId!,
        row.id,
        { version: policy.version, level },
        input.ctx,
        settings.notify,
      );
    return toExecution(row);
  });
  if (created) return created;
  const raced = await replay(db, projectId, input.idempotencyKey!, requestHash);
  if (!raced) throw new Error(`idempotency key conflict without a row in project ${projectId}`);
  return raced;
}

/** The execution as it was answered when first created, or null when the key is new. */
async function replay(
  db: Kysely<Database>,
  projectId: string,
  key: string,
  requestHash: string,
): Promise<Execution | null> {
  const row = await db
    .selectFrom('executions')
    .selectAll()
    .where('project_id', '=', projectId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  if (!row) return null;
  if (row.request_hash !== requestHash) {
    throw new AppError(
      'idempotency_key_reused',
      `Idempotency-Key was already used for execution ${row.id} with a different body; use a new key`,
      { param: 'Idempotency-Key' },
    );
  }
  const first = await db
    .selectFrom('execution_transitions')
    .select('to_status')
    .where('execution_id', '=', row.id)
    .orderBy('id')
    .limit(1)
    .executeTakeFirstOrThrow();
  return toExecution(asCreated(row, first.to_status));
}

function asCreated(row: ExecutionRow, initial: string): ExecutionRow {
  return {
    ...row,
    status: initial,
    attempt: 0,
    agent_id: null,
    exit_code: null,
    error: null,
    dispatched_at: null,
    finished_at: null,
  };
}

/** Is some agent able to take the work now: online on a live lease, bound, nothing paused. */
async function executorAvailable(
  db: Kysely<Database>,
  projectId: string,
  workspaceId: string,
  tool: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('agents as a')
    .innerJoin('agent_tools as t', (j) => j.onRef('t.agent_id', '=', 'a.id').on('t.name', '=', tool))
    .innerJoin('workspace_agents as wa', (j) =>
      j
        .onRef('wa.agent_id', '=', 'a.id')
        .on('wa.workspace_id', '=', workspaceId)
        .on('wa.paused_at', 'is', null),
    )
    .innerJoin('workspaces as w', (j) =>
      j.onRef('w.id', '=', 'wa.workspace_id').on('w.paused_at', 'is', null),
    )
    .select('a.id')
    .where('a.project_id', '=', projectId)
    .where('a.status', '=', 'online')
    .where('a.lease_expires_at', '>', sql<Date>`now()`)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
