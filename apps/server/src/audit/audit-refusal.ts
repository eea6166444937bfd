import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { ErrorCode } from '@xem/protocol';
import type { Database } from '../db/schema';
import { AppError } from '../http/app-error';
import { auditContext } from '../http/request-context';
import { auditDenied } from './append-audit';

/** Permission refusals raised by handlers; authentication refusals are audited where they happen. */
const REFUSALS: ReadonlySet<ErrorCode> = new Set(['owner_required', 'admin_required']);

/**
 * onError hook: records a handler's permission refusal as a denied attempt in the caller's
 * project chain. It runs after the handler's transaction rolled back, in its own transaction.
 */
export async function auditRefusal(db: Kysely<Database>, req: FastifyRequest, err: Error): Promise<void> {
  if (!(err instanceof AppError) || !REFUSALS.has(err.code) || !req.principal?.projectId) return;
  const path = req.routeOptions.url ?? req.url.split('?')[0];
  await auditDenied(db, req.principal.projectId, auditContext(req), {
    action: 'auth.permission_refused',
    targetType: 'route',
    targetId: `${req.method} ${path}`.slice(0, 200),
    after: { code: err.code, path: req.url.split('?')[0], param: err.param },
  });
}
