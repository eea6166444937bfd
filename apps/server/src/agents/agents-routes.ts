import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  Agent,
  AgentPauseRequest,
  AgentResumeRequest,
  ListQuery,
  listOf,
  UpdateAgentRequest,
} from '@xem/protocol';
import type { AppDeps } from '../app-deps';
import { actorOf } from '../http/request-context';
import { pauseAgentExec, resumeAgentExec } from './agent-pause';
import { getAgent, listAgents } from './agent-view';
import { drainAgent, revokeAgentCredentials, updateAgent } from './agents-service';

const AgentParams = z.object({ agent_id: z.string().min(1).max(64) });

/**
 * Agents, mounted under `/:project_id/v1/management` (API key, `management` scope) and
 * `/ops/api` (dashboard session, active project). Reads for any member, controls for owners.
 */
export function agentsRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  prefix: string,
  projectOf: (req: FastifyRequest) => string,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const config = { scope: 'management' as const };
  const tags = [prefix.startsWith('/ops') ? 'ops' : 'management'];
  const base = `${prefix}/agents`;
  const one = `${base}/:agent_id`;
  const schema = { params: AgentParams, response: { 200: Agent }, tags };

  r.get(
    base,
    { config, schema: { querystring: ListQuery, response: { 200: listOf(Agent) }, tags } },
    async (req) => listAgents(deps.db, projectOf(req), req.query),
  );

  r.get(one, { config, schema }, async (req) => getAgent(deps.db, projectOf(req), req.params.agent_id));

  r.patch(one, { config, schema: { ...schema, body: UpdateAgentRequest } }, async (req) =>
    updateAgent(deps.db, actorOf(req), projectOf(req), req.params.agent_id, req.body),
  );

  r.post(`${one}/pause-exec`, { config, schema: { ...schema, body: AgentPauseRequest } }, async (req) =>
    pauseAgentExec(deps.db, actorOf(req), projectOf(req), req.params.agent_id, req.body),
  );

  // The body is optional (no workspace: the whole agent); a missing body reaches the validator as null.
  r.post(
    `${one}/resume-exec`,
    { config, schema: { ...schema, body: AgentResumeRequest.nullish() } },
    async (req) =>
      resumeAgentExec(deps.db, actorOf(req), projectOf(req), req.params.agent_id, req.body ?? {}),
  );

  r.post(`${one}/drain`, { config, schema }, async (req) =>
    drainAgent(deps.db, actorOf(req), projectOf(req), req.params.agent_id),
  );

  r.post(`${one}/revoke-credentials`, { config, schema }, async (req) =>
    revokeAgentCredentials(deps.db, actorOf(req), projectOf(req), req.params.agent_id),
  );
}
