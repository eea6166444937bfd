import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AuditEntry, AuditQuery, AuditVerifyResult, listOf } from '@xem/protocol';
import type { AppDeps } from '../app-deps';
import { assertOwner } from '../http/principal';
import { actorOf } from '../http/request-context';
import { listAudit } from './list-audit';
import { verifyAudit } from './verify-audit';

/** The project's audit chain: list with filters and a verify that recomputes every hash. */
export function auditRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  base: string,
  projectOf: (req: FastifyRequest) => string,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const config = { scope: 'management' as const };
  const tags = [base.startsWith('/ops') ? 'ops' : 'management'];

  r.get(
    base,
    { config, schema: { querystring: AuditQuery, response: { 200: listOf(AuditEntry) }, tags } },
    async (req) => {
      // The project first: a session without one is 404 project_not_found, like every /ops/api route.
      const projectId = projectOf(req);
      assertOwner(actorOf(req), 'read the audit log');
      return listAudit(deps.db, projectId, req.query);
    },
  );

  r.get(`${base}/verify`, { config, schema: { response: { 200: AuditVerifyResult }, tags } }, async (req) => {
    const projectId = projectOf(req);
    assertOwner(actorOf(req), 'verify the audit log');
    return verifyAudit(deps.db, projectId);
  });
}
