import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { sql } from 'kysely';
import { z } from 'zod';
import type { AppDeps } from './app-deps';
import { AppError } from './http/app-error';

const Status = z.object({ status: z.string() });

/** Liveness says the process answers; readiness says migrations ran and the database answers. */
export function healthRoutes(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/healthz', { schema: { response: { 200: Status }, tags: ['health'] } }, async () => ({
    status: 'ok',
  }));
  r.get('/readyz', { schema: { response: { 200: Status }, tags: ['health'] } }, async () => {
    if (deps.isReady && !deps.isReady())
      throw new AppError('service_unavailable', 'starting up', { retryAfterSeconds: 1 });
    try {
      await sql`SELECT 1`.execute(deps.db);
    } catch (err) {
      throw new AppError('service_unavailable', 'database is not reachable', {
        retryAfterSeconds: 5,
        cause: err,
      });
    }
    return { status: 'ready' };
  });
}
