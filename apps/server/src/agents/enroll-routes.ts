import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AgentCredential, Challenge, ChallengeRequest, EnrollRequest, RefreshRequest } from '@xem/protocol';
import type { AppDeps } from '../app-deps';
import { auditContext } from '../http/request-context';
import { enrollAgent, type EnrollDeps } from './enroll-agent';
import { createChallenge, refreshCredential } from './refresh-credential';

/** Enrollment requests come from agents, whoever they turn out to be. */
const agentContext = (req: FastifyRequest) => ({ ...auditContext(req), via: 'agent' as const });

/**
 * Agent-facing enrollment, without an API key: `POST /v1/enroll` (join key → credential),
 * `POST /v1/enroll/challenge` and `POST /v1/enroll/refresh` (signed challenge → credential).
 */
export function enrollRoutes(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['agent'];
  const enrollDeps: EnrollDeps = {
    db: deps.db,
    agentCredentialTtlSeconds: deps.config.agentCredentialTtlSeconds,
    leaseRenewalIntervalMs: deps.config.leaseRenewalIntervalMs,
  };

  r.post(
    '/v1/enroll',
    { schema: { body: EnrollRequest, response: { 201: AgentCredential }, tags } },
    async (req, reply) => reply.status(201).send(await enrollAgent(enrollDeps, req.body, agentContext(req))),
  );

  r.post(
    '/v1/enroll/challenge',
    { schema: { body: ChallengeRequest, response: { 200: Challenge }, tags } },
    async (req) => createChallenge(deps.db, req.body.agent_id),
  );

  r.post(
    '/v1/enroll/refresh',
    { schema: { body: RefreshRequest, response: { 200: AgentCredential }, tags } },
    async (req) => refreshCredential(enrollDeps, req.body, agentContext(req)),
  );
}
