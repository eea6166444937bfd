import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CreatedJoinKey, CreateJoinKeyRequest, JoinKey, ListQuery, listOf } from '@xem/protocol';
import type { AppDeps } from '../app-deps';
import { actorOf } from '../http/request-context';
import { createJoinKey, listJoinKeys, revokeJoinKey } from './join-keys-service';

const JoinKeyParams = z.object({ join_key_id: z.string().min(1).max(64) });

/**
 * Join keys, mounted under `/:project_id/v1/management` (API key, `management` scope) and
 * `/ops/api` (dashboard session, active project). Reads for any member, writes for owners.
 */
export function joinKeysRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  prefix: string,
  projectOf: (req: FastifyRequest) => string,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const config = { scope: 'management' as const };
  const tags = [prefix.startsWith('/ops') ? 'ops' : 'management'];
  const base = `${prefix}/join-keys`;

  r.get(
    base,
    { config, schema: { querystring: ListQuery, response: { 200: listOf(JoinKey) }, tags } },
    async (req) => listJoinKeys(deps.db, projectOf(req), req.query),
  );

  r.post(
    base,
    { config, schema: { body: CreateJoinKeyRequest, response: { 201: CreatedJoinKey }, tags } },
    async (req, reply) =>
      reply.status(201).send(await createJoinKey(deps.db, actorOf(req), projectOf(req), req.body)),
  );

  r.post(
    `${base}/:join_key_id/revoke`,
    { config, schema: { params: JoinKeyParams, response: { 200: JoinKey }, tags } },
    async (req) => revokeJoinKey(deps.db, actorOf(req), projectOf(req), req.params.join_key_id),
  );

  r.delete(
    `${base}/:join_key_id`,
    { config, schema: { params: JoinKeyParams, response: { 200: JoinKey }, tags } },
    async (req) => revokeJoinKey(deps.db, actorOf(req), projectOf(req), req.params.join_key_id),
  );
}
