import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApiKey, CreatedKey, CreateKeyRequest, ListQuery, listOf, RotateKeyRequest } from '@xem/protocol';
import type { AppDeps } from '../app-deps';
import { actorOf } from '../http/request-context';
import { createKey, listKeys, revokeKey, rotateKey } from './keys-service';

const KeyParams = z.object({ key_id: z.string().min(1).max(64) });

/**
 * API-key management, mounted twice: under `/:project_id/v1/management/keys` (API key with the
 * `management` scope) and `/ops/api/keys` (dashboard session, active project).
 */
export function keysRoutes(
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
    { config, schema: { querystring: ListQuery, response: { 200: listOf(ApiKey) }, tags } },
    async (req) => listKeys(deps.db, actorOf(req), projectOf(req), req.query),
  );

  r.post(
    base,
    { config, schema: { body: CreateKeyRequest, response: { 201: CreatedKey }, tags } },
    async (req, reply) => {
      const created = await createKey(deps.db, actorOf(req), projectOf(req), req.body);
      return reply.status(201).send(created);
    },
  );

  // The body is optional; Fastify hands a missing body to the validator as null, hence nullish.
  r.post(
    `${base}/:key_id/rotate`,
    {
      config,
      schema: { params: KeyParams, body: RotateKeyRequest.nullish(), response: { 201: CreatedKey }, tags },
    },
    async (req, reply) => {
      const grace = req.body?.grace_period_hours ?? 24;
      return reply
        .status(201)
        .send(await rotateKey(deps.db, actorOf(req), projectOf(req), req.params.key_id, grace));
    },
  );

  r.post(
    `${base}/:key_id/revoke`,
    { config, schema: { params: KeyParams, response: { 200: ApiKey }, tags } },
    async (req) => revokeKey(deps.db, actorOf(req), projectOf(req), req.params.key_id),
  );

  r.delete(
    `${base}/:key_id`,
    { config, schema: { params: KeyParams, response: { 200: ApiKey }, tags } },
    async (req) => revokeKey(deps.db, actorOf(req), projectOf(req), req.params.key_id),
  );
}
