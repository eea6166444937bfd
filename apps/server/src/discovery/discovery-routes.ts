import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  AcceptDiscoveryRequest,
  DiscoveryCandidate,
  DiscoveryListQuery,
  listOf,
  RejectDiscoveryRequest,
} from '@xem/protocol';
import type { AppDeps } from '../app-deps';
import { actorOf } from '../http/request-context';
import { decideCandidate, getCandidate, listCandidates } from './discovery-service';

const CandidateParams = z.object({ candidate_id: z.string().min(1).max(64) });

/**
 * Discovered components, mounted under `/:project_id/v1/management` (API key, `management`
 * scope) and `/ops/api` (dashboard session, active project). Reads for any member, decisions
 * for owners.
 */
export function discoveryRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  prefix: string,
  projectOf: (req: FastifyRequest) => string,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const config = { scope: 'management' as const };
  const tags = [prefix.startsWith('/ops') ? 'ops' : 'management'];
  const base = `${prefix}/discovery`;
  const one = `${base}/:candidate_id`;

  r.get(
    base,
    {
      config,
      schema: { querystring: DiscoveryListQuery, response: { 200: listOf(DiscoveryCandidate) }, tags },
    },
    async (req) => listCandidates(deps.db, projectOf(req), req.query),
  );

  r.get(
    one,
    { config, schema: { params: CandidateParams, response: { 200: DiscoveryCandidate }, tags } },
    async (req) => getCandidate(deps.db, projectOf(req), req.params.candidate_id),
  );

  r.post(
    `${one}/accept`,
    {
      config,
      schema: {
        params: CandidateParams,
        body: AcceptDiscoveryRequest,
        response: { 200: DiscoveryCandidate },
        tags,
      },
    },
    async (req) =>
      decideCandidate(
        deps.db,
        actorOf(req),
        projectOf(req),
        req.params.candidate_id,
        'accepted',
        req.body?.reason || null,
      ),
  );

  r.post(
    `${one}/reject`,
    {
      config,
      schema: {
        params: CandidateParams,
        body: RejectDiscoveryRequest,
        response: { 200: DiscoveryCandidate },
        tags,
      },
    },
    async (req) =>
      decideCandidate(
        deps.db,
        actorOf(req),
        projectOf(req),
        req.params.candidate_id,
        'rejected',
        req.body.reason,
      ),
  );
}
