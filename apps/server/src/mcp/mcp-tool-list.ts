import type { Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import type { Tool } from '@xem/protocol';

/** The read-only tool XEM itself adds to every MCP catalogue; it shadows an agent tool of that name. */
export const EXECUTION_STATUS_TOOL = 'xem_execution_status';

/** How an agent tool appears to an MCP client: its schema, and its risk as hints and `_meta`. */
export function toMcpTool(tool: Tool): McpTool {
  const approvalNote =
    tool.risk === 'destructive' || tool.risk === 'irreversible'
      ? ' Calls may wait for a human approval (per the workspace policy).'
      : '';
  return {
    name: tool.name,
    description: `${tool.description} [risk: ${tool.risk}; timeout ${tool.timeout_ms} ms.${approvalNote}]`,
    inputSchema: { type: 'object', ...tool.params },
    annotations: {
      title: tool.name,
      readOnlyHint: tool.risk === 'read',
      destructiveHint: tool.risk === 'destructive' || tool.risk === 'irreversible',
      idempotentHint: tool.idempotent,
      openWorldHint: true,
    },
    _meta: { 'xem/risk': tool.risk, 'xem/domain': tool.domain, 'xem/timeout_ms': tool.timeout_ms },
  };
}

export const executionStatusTool: McpTool = {
  name: EXECUTION_STATUS_TOOL,
  description:
    'Status and output of an XEM execution started through this endpoint: use it with the execution_id a call ' +
    'answered when it was waiting for an approval or still running. wait_seconds (0-50) waits that long for it to finish.',
  inputSchema: {
    type: 'object',
    properties: {
      execution_id: {
        type: 'string',
        minLength: 1,
        maxLength: 64,
        description: 'exe_… from an earlier call',
      },
      wait_seconds: { type: 'integer', minimum: 0, maximum: 50, default: 0 },
    },
    required: ['execution_id'],
    additionalProperties: false,
  },
  annotations: {
    title: 'XEM execution status',
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
  },
  _meta: { 'xem/risk': 'read' },
};
