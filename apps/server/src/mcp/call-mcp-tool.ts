import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { AppError } from '../http/app-error';
import { createExecution } from '../executions/create-execution';
import { findTool } from '../executions/tool-catalogue';
import { awaitExecution } from './await-execution';
import { errorResult, executionResult } from './execution-result';
import type { McpContext } from './mcp-context';
import { EXECUTION_STATUS_TOOL } from './mcp-tool-list';

/**
 * The longest a call holds its HTTP request open waiting for a result. MCP clients (the SDK's
 * included) give up on a request after 60 s by default; past this the call answers "still
 * running" with the execution id for `xem_execution_status`.
 */
export const MAX_CALL_WAIT_MS = 50_000;
/** Room for dispatch and the result frame on top of the tool's own timeout. */
const DISPATCH_SLACK_MS = 5_000;

const StatusArgs = z.strictObject({
  execution_id: z.string().min(1).max(64),
  wait_seconds: z.number().int().min(0).max(50).default(0),
});

/**
 * Runs one `tools/call`: an agent tool becomes an execution (source `mcp`, created by the key's
 * user through the API's own path, so the same policy, approvals and separation of duties apply);
 * XEM's own status tool reads one. Refusals are tool errors carrying the API's error code.
 */
export async function callMcpTool(
  c: McpContext,
  name: string,
  args: Record<string, unknown>,
  signal: AbortSignal,
): Promise<CallToolResult> {
  try {
    if (name === EXECUTION_STATUS_TOOL) return await executionStatus(c, args, signal);
    return await runAgentTool(c, name, args, signal);
  } catch (err) {
    if (err instanceof AppError) return errorResult(err);
    throw err;
  }
}

async function runAgentTool(
  c: McpContext,
  name: string,
  args: Record<string, unknown>,
  signal: AbortSignal,
): Promise<CallToolResult> {
  const tool = await findTool(c.db, c.projectId, name);
  if (!tool || !tool.workspace_ids.includes(c.workspace.id)) {
    throw new AppError(
      'exec_tool_not_found',
      `no agent bound to workspace ${c.workspace.name} offers tool ${name}; tools/list shows what this workspace offers`,
      { param: 'name' },
    );
  }
  if (!tool.mcp_visible) {
    throw new AppError(
      'tool_not_mcp_visible',
      `tool ${name} is not MCP-visible; run it through the API or xeroctl instead`,
      { param: 'name' },
    );
  }
  const created = await createExecution(c.db, c.settings, {
    projectId: c.projectId,
    body: { workspace: c.workspace.id, tool: name, args, queue: false },
    idempotencyKey: null,
    source: 'mcp',
    userId: c.userId,
    keyId: c.keyId,
    ctx: c.ctx,
  });
  const waitMs = Math.min(tool.timeout_ms + DISPATCH_SLACK_MS, MAX_CALL_WAIT_MS);
  const detail = await awaitExecution(c.db, c.projectId, created.id, waitMs, { stopOnPending: true, signal });
  return executionResult(detail, c.baseUrl);
}

async function executionStatus(
  c: McpContext,
  raw: Record<string, unknown>,
  signal: AbortSignal,
): Promise<CallToolResult> {
  const parsed = StatusArgs.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const param = issue.path.join('.') || null;
    throw new AppError('invalid_body', `${param ?? 'arguments'}: ${issue.message}`, { param });
  }
  const { execution_id, wait_seconds } = parsed.data;
  const detail = await awaitExecution(c.db, c.projectId, execution_id, wait_seconds * 1000, {
    stopOnPending: false,
    signal,
  });
  return executionResult(detail, c.baseUrl);
}
