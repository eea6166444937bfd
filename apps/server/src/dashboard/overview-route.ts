import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { OpsOverview } from '@xem/protocol';
import type { AppDeps } from '../app-deps';
import { activeProjectOf } from '../http/request-context';
import { loadOverview } from './overview';

/** `GET /ops/api/overview` (dashboard only): the Overview tab's cards and trend. */
export function overviewRoute(app: FastifyInstance, deps: AppDeps): void {
  app
    .withTypeProvider<ZodTypeProvider>()
    .get('/ops/api/overview', { schema: { response: { 200: OpsOverview }, tags: ['ops'] } }, async (req) =>
      loadOverview(deps.db, activeProjectOf(req)),
    );
}
