import type { FastifyInstance, FastifyRequest } from 'fastify';
import { authenticateAgentCredential, type AgentIdentity } from '../agents/agent-credentials';
import type { AppDeps } from '../app-deps';
import { auditDenied } from '../audit/append-audit';
import { SYSTEM_CHAIN, type AuditContext } from '../audit/audit-context';
import { AppError } from '../http/app-error';
import { serveAgentChannel } from './agent-channel';

function bearer(req: FastifyRequest): string | null {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m ? m[1]! : null;
}

function agentContext(req: FastifyRequest, agentId: string | null): AuditContext {
  return {
    actorType: agentId ? 'agent' : 'anonymous',
    actorId: agentId,
    userId: null,
    via: 'agent',
    requestId: req.id,
    ip: req.ip ?? null,
  };
}

/**
 * `GET /v1/agent/connect`: the agent channel. The credential is checked before the upgrade,
 * so a refused agent gets an ordinary 401 envelope instead of a WebSocket.
 */
export function agentConnectRoute(app: FastifyInstance, deps: AppDeps): void {
  const identities = new WeakMap<FastifyRequest, AgentIdentity>();
  app.route({
    method: 'GET',
    url: '/v1/agent/connect',
    schema: {
      tags: ['agents'],
      summary: 'Agent channel: a WebSocket upgrade with "Authorization: Bearer xac_…"',
      description: 'Frames are described in docs/agent-protocol.md; refusals are 401 before the upgrade.',
    },
    preValidation: async (req) => {
      const token = bearer(req);
      if (!token) {
        throw new AppError(
          'authentication_required',
          'send the agent credential as "Authorization: Bearer xac_…"',
        );
      }
      const identity = await authenticateAgentCredential(deps.db, token);
      if (!identity) {
        await auditDenied(deps.db, SYSTEM_CHAIN, agentContext(req, null), {
          action: 'auth.agent_credential_refused',
          after: { path: '/v1/agent/connect', credential_prefix: token.slice(0, 8) },
        });
        throw new AppError(
          'invalid_agent_credential',
          'agent credential is unknown, expired or revoked; refresh it or enroll the agent again',
        );
      }
      identities.set(req, identity);
    },
    // An authenticated request without an Upgrade still gets the envelope, not a bare 404.
    handler: async () => {
      throw new AppError('not_found', 'GET /v1/agent/connect only accepts a WebSocket upgrade');
    },
    wsHandler: (socket, req) => {
      const identity = identities.get(req)!;
      serveAgentChannel(deps, socket, identity, agentContext(req, identity.agentId), req.log);
    },
  });
}
