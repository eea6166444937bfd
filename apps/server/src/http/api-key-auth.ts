import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Scope } from '@xem/protocol';
import type { Database } from '../db/schema';
import { auditDenied } from '../audit/append-audit';
import { SYSTEM_CHAIN } from '../audit/audit-context';
import { authenticateKey } from '../keys/authenticate-key';
import { AppError } from './app-error';
import { auditContext } from './request-context';

function bearer(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (typeof h !== 'string') return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(h);
  return m ? m[1]! : null;
}

/**
 * Authenticates an API key and checks, in order: the key is live, it belongs to the project
 * of the path (else 403 cross_project_access), it has the route's scope. Refusals are audited.
 */
export async function authenticateApiKeyRequest(
  db: Kysely<Database>,
  req: FastifyRequest,
  opts: { projectId?: string | undefined; scope?: Scope | readonly Scope[] | undefined },
): Promise<void> {
  req.principal = null;
  const presented = bearer(req);
  if (!presented)
    throw new AppError('authentication_required', 'send an API key as "Authorization: Bearer xero_…"');
  const id = await authenticateKey(db, presented);
  if (!id) {
    await auditDenied(db, SYSTEM_CHAIN, auditContext(req), {
      action: 'auth.api_key_refused',
      after: { path: req.url.split('?')[0], key_prefix: presented.slice(0, 24) },
    });
    throw new AppError('invalid_api_key', 'API key is unknown, expired or revoked');
  }
  req.principal = {
    kind: 'api_key',
    userId: id.userId,
    email: id.email,
    isAdmin: id.isAdmin,
    projectId: id.projectId,
    role: id.role,
    keyId: id.keyId,
    scopes: id.scopes,
    sessionIdHash: null,
    csrfToken: null,
    mustChangePassword: id.mustChangePassword,
  };
  if (opts.projectId !== undefined && opts.projectId !== id.projectId) {
    await auditDenied(db, id.projectId, auditContext(req), {
      action: 'auth.cross_project_access',
      targetType: 'project',
      targetId: opts.projectId.slice(0, 64),
      after: { path: req.url.split('?')[0] },
    });
    throw new AppError(
      'cross_project_access',
      `this API key belongs to project ${id.projectId}; use a key of the project in the path`,
    );
  }
  const accepted: readonly Scope[] =
    opts.scope === undefined ? [] : typeof opts.scope === 'string' ? [opts.scope] : opts.scope;
  if (accepted.length > 0 && !accepted.some((s) => id.scopes.includes(s))) {
    await auditDenied(db, id.projectId, auditContext(req), {
      action: 'auth.scope_refused',
      targetType: 'api_key',
      targetId: id.keyId,
      after: { path: req.url.split('?')[0], required_scope: accepted.join('|'), scopes: id.scopes },
    });
    throw new AppError(
      'scope_insufficient',
      `this route needs the "${accepted.join('" or "')}" scope; the key has ${id.scopes.join(', ')}`,
    );
  }
  if (id.mustChangePassword) {
    throw new AppError('password_change_required', 'the key owner must change their initial password first');
  }
}

/**
 * Hooks for the `/:project_id/v1` scope: every route there needs a key of that project, and a
 * handler's permission refusal is audited like the authentication refusals above.
 */
export function registerProjectKeyAuth(app: FastifyInstance, db: Kysely<Database>): void {
  app.addHook('onRequest', async (req) => {
    const params = req.params as { project_id?: string };
    await authenticateApiKeyRequest(db, req, {
      projectId: params.project_id,
      scope: req.routeOptions.config.scope,
    });
  });
}
