import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CreateDelegationRequest, Delegation, ListDelegationsQuery, listOf } from '@xem/protocol';
import type { AppDeps } from '../app-deps';
import { actorOf } from '../http/request-context';
import { grantDelegation, listDelegations, revokeDelegation } from './delegations-service';

const DelegationParams = z.object({ delegation_id: z.string().min(1).max(64) });

/**
 * Approval delegations, mounted under `/:project_id/v1/management/project` (API key,
 * `management` scope) and `/ops/api` (dashboard session, active project). Members may list;
 * owners grant and revoke.
 */
export function delegationsRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  base: string,
  projectOf: (req: FastifyRequest) => string,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const config = { scope: 'management' as const };
  const tags = [base.startsWith('/ops') ? 'ops' : 'management'];

  r.get(
    `${base}/delegations`,
    { config, schema: { querystring: ListDelegationsQuery, response: { 200: listOf(Delegation) }, tags } },
    async (req) => listDelegations(deps.db, projectOf(req), req.query),
  );

  r.post(
    `${base}/delegations`,
    { config, schema: { body: CreateDelegationRequest, response: { 201: Delegation }, tags } },
    async (req, reply) =>
      reply.status(201).send(await grantDelegation(deps.db, actorOf(req), projectOf(req), req.body)),
  );

  r.delete(
    `${base}/delegations/:delegation_id`,
    { config, schema: { params: DelegationParams, response: { 200: Delegation }, tags } },
    async (req) => revokeDelegation(deps.db, actorOf(req), projectOf(req), req.params.delegation_id),
  );
}
