import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ListOutboxQuery, listOf, OutboxMessage } from '@xem/protocol';
import type { AppDeps } from '../app-deps';
import { assertOwner } from '../http/principal';
import { actorOf } from '../http/request-context';
import { listOutbox } from './list-outbox';

/**
 * `GET <base>`: the project's outbox, for owners and admins only — the messages carry one-time
 * approval links. Without SMTP this is where an operator reads what would have been sent.
 */
export function outboxRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  base: string,
  projectOf: (req: FastifyRequest) => string,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get(
    base,
    {
      config: { scope: 'management' },
      schema: {
        querystring: ListOutboxQuery,
        response: { 200: listOf(OutboxMessage) },
        tags: [base.startsWith('/ops') ? 'ops' : 'management'],
      },
    },
    async (req) => {
      // The project first: a session without one is 404 project_not_found, like every /ops/api route.
      const projectId = projectOf(req);
      assertOwner(actorOf(req), 'read the outbox');
      return listOutbox(deps.db, projectId, req.query);
    },
  );
}
