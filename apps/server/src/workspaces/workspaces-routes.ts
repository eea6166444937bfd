import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  BindAgentRequest,
  CreateWorkspaceRequest,
  ListQuery,
  listOf,
  PauseRequest,
  UpdateWorkspaceRequest,
  Workspace,
} from '@xem/protocol';
import type { AppDeps } from '../app-deps';
import { actorOf } from '../http/request-context';
import { bindAgent, pauseWorkspace, resumeWorkspace, unbindAgent } from './workspace-controls';
import { getWorkspace } from './workspace-view';
import { createWorkspace, deleteWorkspace, listWorkspaces, updateWorkspace } from './workspaces-service';

const WorkspaceParams = z.object({ workspace_id: z.string().min(1).max(64) });
const BindingParams = WorkspaceParams.extend({ agent_id: z.string().min(1).max(64) });

/**
 * Workspaces, mounted under `/:project_id/v1/management` (API key, `management` scope) and
 * `/ops/api` (dashboard session, active project). Reads for any member, writes for owners.
 */
export function workspacesRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  prefix: string,
  projectOf: (req: FastifyRequest) => string,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const config = { scope: 'management' as const };
  const tags = [prefix.startsWith('/ops') ? 'ops' : 'management'];
  const base = `${prefix}/workspaces`;
  const one = `${base}/:workspace_id`;

  r.get(
    base,
    { config, schema: { querystring: ListQuery, response: { 200: listOf(Workspace) }, tags } },
    async (req) => listWorkspaces(deps.db, projectOf(req), req.query),
  );

  r.post(
    base,
    { config, schema: { body: CreateWorkspaceRequest, response: { 201: Workspace }, tags } },
    async (req, reply) =>
      reply.status(201).send(await createWorkspace(deps.db, actorOf(req), projectOf(req), req.body)),
  );

  r.get(
    one,
    { config, schema: { params: WorkspaceParams, response: { 200: Workspace }, tags } },
    async (req) => getWorkspace(deps.db, projectOf(req), req.params.workspace_id),
  );

  r.patch(
    one,
    {
      config,
      schema: { params: WorkspaceParams, body: UpdateWorkspaceRequest, response: { 200: Workspace }, tags },
    },
    async (req) => updateWorkspace(deps.db, actorOf(req), projectOf(req), req.params.workspace_id, req.body),
  );

  r.delete(
    one,
    { config, schema: { params: WorkspaceParams, response: { 200: Workspace }, tags } },
    async (req) => deleteWorkspace(deps.db, actorOf(req), projectOf(req), req.params.workspace_id),
  );

  r.post(
    `${one}/pause`,
    { config, schema: { params: WorkspaceParams, body: PauseRequest, response: { 200: Workspace }, tags } },
    async (req) =>
      pauseWorkspace(deps.db, actorOf(req), projectOf(req), req.params.workspace_id, req.body.reason),
  );

  r.post(
    `${one}/resume`,
    { config, schema: { params: WorkspaceParams, response: { 200: Workspace }, tags } },
    async (req) => resumeWorkspace(deps.db, actorOf(req), projectOf(req), req.params.workspace_id),
  );

  r.post(
    `${one}/agents`,
    {
      config,
      schema: { params: WorkspaceParams, body: BindAgentRequest, response: { 200: Workspace }, tags },
    },
    async (req) =>
      bindAgent(deps.db, actorOf(req), projectOf(req), req.params.workspace_id, req.body.agent_id),
  );

  r.delete(
    `${one}/agents/:agent_id`,
    { config, schema: { params: BindingParams, response: { 200: Workspace }, tags } },
    async (req) =>
      unbindAgent(deps.db, actorOf(req), projectOf(req), req.params.workspace_id, req.params.agent_id),
  );
}
