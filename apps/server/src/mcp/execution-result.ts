import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { ErrorEnvelope, ExecutionDetail } from '@xem/protocol';
import type { AppError } from '../http/app-error';
import { EXECUTION_STATUS_TOOL } from './mcp-tool-list';

/** A refusal as a tool error: the model sees the same envelope and code the HTTP API answers. */
export function errorResult(err: AppError): CallToolResult {
  const envelope: ErrorEnvelope = {
    error: { message: err.message, type: err.type, code: err.code, param: err.param },
  };
  if (err.retryAfterSeconds !== undefined) envelope.error.retry_after = err.retryAfterSeconds;
  return {
    isError: true,
    content: [{ type: 'text', text: `${err.code}: ${err.message}` }],
    structuredContent: envelope as unknown as Record<string, unknown>,
  };
}

function summary(e: ExecutionDetail): Record<string, unknown> {
  return {
    execution_id: e.id,
    tool: e.tool,
    status: e.status,
    risk: e.risk,
    approval_id: e.approval_id,
    exit_code: e.exit_code,
    error: e.error,
    stdout_truncated: e.output?.truncated ?? false,
  };
}

/**
 * What a call answers for an execution in any state: its output when it finished, a pending
 * notice (approval id, dashboard link, how to follow up) when it waits for people, a running
 * notice when the wait ran out. Failures are tool errors carrying the execution's error code.
 */
export function executionResult(e: ExecutionDetail, baseUrl: string): CallToolResult {
  const meta = summary(e);
  const follow = `Call ${EXECUTION_STATUS_TOOL} with {"execution_id": "${e.id}"} (optionally "wait_seconds") to get the result.`;
  switch (e.status) {
    case 'completed':
      return {
        content: [{ type: 'text', text: e.output?.stdout ?? '' }],
        structuredContent: { ...meta, stdout: e.output?.stdout ?? '', stderr: e.output?.stderr ?? '' },
      };
    case 'pending_approval': {
      const url = `${baseUrl}/ops/approvals/${e.approval_id}`;
      return {
        content: [
          {
            type: 'text',
            text:
              `Approval pending: ${e.tool} (risk ${e.risk}) waits for a human approval ${e.approval_id} ` +
              `(execution ${e.id}). Someone other than the requester may have to decide it at ${url}. ${follow}`,
          },
        ],
        structuredContent: { ...meta, approval_url: url },
      };
    }
    case 'queued':
    case 'dispatched':
      return {
        content: [{ type: 'text', text: `Execution ${e.id} of ${e.tool} is still ${e.status}. ${follow}` }],
        structuredContent: meta,
      };
    case 'failed':
    case 'timed_out':
    case 'cancelled':
    case 'rejected':
    case 'ambiguous': {
      const code = e.error?.code ?? `execution_${e.status}`;
      const why = e.error?.message ?? `the execution ended ${e.status}`;
      const stderr = e.output?.stderr ? `\n${e.output.stderr}` : '';
      return {
        isError: true,
        content: [
          { type: 'text', text: `${code}: ${e.tool} ${e.status} (execution ${e.id}): ${why}${stderr}` },
        ],
        structuredContent: {
          ...meta,
          stdout: e.output?.stdout ?? '',
          stderr: e.output?.stderr ?? '',
          error: { message: why, type: 'execution_error', code, param: null },
        },
      };
    }
  }
}
