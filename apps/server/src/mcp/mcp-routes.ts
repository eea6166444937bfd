import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { AppDeps } from '../app-deps';
import { notifySettingsOf } from '../approvals/notify-stage';
import type { Database } from '../db/schema';
import { AppError } from '../http/app-error';
import { findWorkspace } from '../executions/find-workspace';
import { auditContext, principalOf } from '../http/request-context';
import { buildMcpServer } from './build-mcp-server';

export const WORKSPACE_HEADER = 'x-xerotier-workspace';
const SERVER_VERSION = '0.1.0';

/** The workspace the header names (id or name), else the project's default workspace. */
async function workspaceOf(db: Kysely<Database>, projectId: string, req: FastifyRequest) {
  const named = req.headers[WORKSPACE_HEADER];
  if (named === undefined) {
    const ws = await db
      .selectFrom('workspaces')
      .select(['id', 'name'])
      .where('project_id', '=', projectId)
      .where('is_default', '=', true)
      .executeTakeFirst();
    if (!ws)
      throw new AppError('not_found', 'this project has no default workspace; send X-Xerotier-Workspace');
    return ws;
  }
  if (typeof named !== 'string' || named.length === 0 || named.length > 100) {
    throw new AppError('invalid_header', 'X-Xerotier-Workspace must be one workspace id (ws_…) or name', {
      param: 'X-Xerotier-Workspace',
    });
  }
  return findWorkspace(db, projectId, named);
}

/**
 * `/:project_id/v1/mcp`: the governed MCP endpoint (Streamable HTTP, stateless, JSON answers).
 * Authentication, the project, the scope and the workspace are settled before the MCP layer and
 * refused with the JSON error envelope; everything after is JSON-RPC.
 */
export function mcpRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  base: string,
  projectOf: (req: FastifyRequest) => string,
): void {
  const settings = {
    maxAttempts: deps.config.executionMaxAttempts,
    retryAfterSeconds: Math.max(1, Math.ceil((3 * deps.config.leaseRenewalIntervalMs) / 1000)),
    notify: notifySettingsOf(deps.config, app.log),
  };
  const config = { scope: ['execution', 'inference'] as const };
  const schema = {
    tags: ['mcp'],
    summary: 'MCP endpoint (Streamable HTTP, JSON-RPC; see docs/chats-and-mcp.md)',
  };

  app.post(base, { config, schema }, async (req, reply) => {
    const p = principalOf(req);
    const projectId = projectOf(req);
    const workspace = await workspaceOf(deps.db, projectId, req);
    const server = buildMcpServer(
      {
        db: deps.db,
        settings,
        baseUrl: deps.config.baseUrl,
        projectId,
        workspace,
        userId: p.userId,
        keyId: p.keyId,
        ctx: auditContext(req),
      },
      SERVER_VERSION,
    );
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await server.connect(transport);
    try {
      const res = await transport.handleRequest(toWebRequest(req), { parsedBody: req.body });
      return await sendWebResponse(reply, res);
    } finally {
      await server.close();
    }
  });

  // Stateless: no server-initiated stream to open (GET) and no session to end (DELETE).
  const notAllowed = async (_req: FastifyRequest, reply: FastifyReply) => {
    void reply.header('allow', 'POST');
    throw new AppError('method_not_allowed', 'the MCP endpoint is stateless: send JSON-RPC with POST', {
      status: 405,
    });
  };
  app.get(base, { config, schema }, notAllowed);
  app.delete(base, { config, schema }, notAllowed);
}

function toWebRequest(req: FastifyRequest): Request {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (typeof v === 'string') headers.set(k, v);
    else if (Array.isArray(v)) for (const one of v) headers.append(k, one);
  }
  return new Request(`http://${req.hostname}${req.url}`, { method: req.method, headers });
}

async function sendWebResponse(reply: FastifyReply, res: Response): Promise<FastifyReply> {
  reply.status(res.status);
  res.headers.forEach((value, key) => void reply.header(key, value));
  const body = await res.text();
  return reply.send(body === '' ? undefined : body);
}
