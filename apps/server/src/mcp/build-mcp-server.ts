import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { listTools } from '../executions/tool-catalogue';
import { callMcpTool } from './call-mcp-tool';
import type { McpContext } from './mcp-context';
import { EXECUTION_STATUS_TOOL, executionStatusTool, toMcpTool } from './mcp-tool-list';

/**
 * An MCP server for one HTTP request (the endpoint is stateless): tools/list is the workspace's
 * MCP-visible catalogue plus `xem_execution_status`; tools/call runs through callMcpTool.
 */
export function buildMcpServer(c: McpContext, version: string): Server {
  const server = new Server(
    { name: 'xem', version },
    {
      capabilities: { tools: { listChanged: false } },
      instructions:
        `XEM tools of workspace ${c.workspace.name}. Each call is an execution on an enrolled agent; ` +
        'destructive and irreversible ones may wait for a human approval: such a call answers at once with ' +
        `the approval id and link, and ${EXECUTION_STATUS_TOOL} gives the result once people decided.`,
    },
  );
  server.setRequestHandler(ListToolsRequestSchema, async () => {
    const tools = (await listTools(c.db, c.projectId)).filter(
      (t) => t.mcp_visible && t.workspace_ids.includes(c.workspace.id) && t.name !== EXECUTION_STATUS_TOOL,
    );
    return { tools: [...tools.map(toMcpTool), executionStatusTool] };
  });
  server.setRequestHandler(CallToolRequestSchema, async (req, extra) =>
    callMcpTool(c, req.params.name, req.params.arguments ?? {}, extra.signal),
  );
  return server;
}
