import { z } from 'zod';
import { Timestamp } from './common';
import { Risk } from './fleet';
import { ToolName } from './tools';

export const ExecutionStatus = z.enum([
  'pending_approval',
  'queued',
  'dispatched',
  'completed',
  'failed',
  'timed_out',
  'cancelled',
  'rejected',
  'ambiguous',
]);
export type ExecutionStatus = z.infer<typeof ExecutionStatus>;

export const ExecutionSource = z.enum(['api', 'cli', 'dashboard', 'chat', 'mcp']);
export type ExecutionSource = z.infer<typeof ExecutionSource>;

export const ExecutionError = z.object({ code: z.string(), message: z.string() });

export const Execution = z.object({
  id: z.string(),
  workspace_id: z.string(),
  tool: z.string(),
  args: z.record(z.string(), z.unknown()),
  risk: Risk,
  idempotent: z.boolean(),
  source: ExecutionSource,
  status: ExecutionStatus,
  attempt: z.number().int(),
  max_attempts: z.number().int(),
  agent_id: z.string().nullable(),
  exit_code: z.number().int().nullable(),
  error: ExecutionError.nullable(),
  timeout_ms: z.number().int(),
  created_by: z.object({ user_id: z.string().nullable(), key_id: z.string().nullable() }),
  /** The approval this execution waits for (or waited for), if its risk needed one. */
  approval_id: z.string().nullable(),
  /** The chat whose tool call this is (source `chat`). */
  chat_id: z.string().nullable(),
  created_at: Timestamp,
  dispatched_at: Timestamp.nullable(),
  finished_at: Timestamp.nullable(),
  duration_ms: z.number().int().nullable(),
});
export type Execution = z.infer<typeof Execution>;

export const ExecutionTransition = z.object({
  from: ExecutionStatus.nullable(),
  to: ExecutionStatus,
  attempt: z.number().int(),
  reason: z.string().nullable(),
  at: Timestamp,
});

export const ExecutionAttempt = z.object({
  attempt: z.number().int(),
  agent_id: z.string().nullable(),
  status: ExecutionStatus,
  exit_code: z.number().int().nullable(),
  error: ExecutionError.nullable(),
  dispatched_at: Timestamp.nullable(),
  finished_at: Timestamp.nullable(),
});

export const ExecutionOutput = z.object({
  stdout: z.string(),
  stderr: z.string(),
  truncated: z.boolean(),
});

export const ExecutionDetail = Execution.extend({
  history: z.array(ExecutionTransition),
  attempts: z.array(ExecutionAttempt),
  output: ExecutionOutput.nullable(),
});
export type ExecutionDetail = z.infer<typeof ExecutionDetail>;

export const CreateExecutionRequest = z.object({
  /** Workspace id (`ws_…`) or name. */
  workspace: z.string().min(1).max(100),
  tool: ToolName,
  args: z.record(z.string(), z.unknown()).default({}),
  /** Queue even when no agent can run the tool right now (otherwise 503 tool_executor_unavailable). */
  queue: z.boolean().default(false),
  source: z.enum(['api', 'cli', 'dashboard']).optional(),
});
export type CreateExecutionRequest = z.infer<typeof CreateExecutionRequest>;

/** A query parameter holding one value or a comma-separated list of them. */
export const csv = <T extends z.ZodType<unknown, string>>(item: T) =>
  z
    .string()
    .max(500)
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(item));

export const ListExecutionsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
  status: csv(ExecutionStatus).optional(),
  tool: z.string().max(64).optional(),
  agent: z.string().max(64).optional(),
  workspace: z.string().max(64).optional(),
  risk: csv(Risk).optional(),
  source: csv(ExecutionSource).optional(),
  /** Only the tool calls of this chat. */
  chat: z.string().max(64).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
});
export type ListExecutionsQuery = z.infer<typeof ListExecutionsQuery>;
