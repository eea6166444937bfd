import type { FastifyRequest } from 'fastify';
import type { AuditContext } from '../audit/audit-context';
import { AppError } from './app-error';
import type { Actor, Principal } from './principal';

/** `cli` when the caller is xeroctl (it says so in its User-Agent), else by how it authenticated. */
export function auditContext(req: FastifyRequest): AuditContext {
  const p = req.principal;
  const ua = req.headers['user-agent'] ?? '';
  const via = p?.kind === 'session' ? 'dashboard' : ua.startsWith('xeroctl/') ? 'cli' : 'api';
  return {
    actorType: p ? (p.kind === 'session' ? 'user' : 'api_key') : 'anonymous',
    actorId: p ? (p.kind === 'session' ? p.userId : p.keyId) : null,
    userId: p?.userId ?? null,
    via,
    requestId: req.id,
    ip: req.ip ?? null,
  };
}

export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw new AppError('authentication_required', 'sign in or send an API key');
  return req.principal;
}

export function actorOf(req: FastifyRequest): Actor {
  const p = principalOf(req);
  return { userId: p.userId, isAdmin: p.isAdmin, role: p.role, ctx: auditContext(req) };
}

/** The project an /ops request acts on: the session's active project. */
export function activeProjectOf(req: FastifyRequest): string {
  const p = principalOf(req);
  if (!p.projectId) {
    throw new AppError('project_not_found', 'no active project: pick one with POST /ops/session/project');
  }
  return p.projectId;
}
