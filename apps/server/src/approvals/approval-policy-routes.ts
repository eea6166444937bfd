import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ApprovalPolicy, ListQuery, listOf, PutApprovalPolicyRequest } from '@xem/protocol';
import type { AppDeps } from '../app-deps';
import { actorOf } from '../http/request-context';
import { getApprovalPolicy, getPolicyVersion, listPolicyVersions } from './approval-policy-versions';
import { putApprovalPolicy } from './put-approval-policy';

const WorkspaceParams = z.object({ workspace_id: z.string().min(1).max(64) });
const VersionParams = WorkspaceParams.extend({
  version: z.coerce.number().int().min(0).max(2_147_483_647),
});

/**
 * A workspace's approval policy and its versions, mounted under `/:project_id/v1/management`
 * (API key, `management` scope) and `/ops/api` (dashboard session). Reads for any member, the
 * PUT for owners.
 */
export function approvalPolicyRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  prefix: string,
  projectOf: (req: FastifyRequest) => string,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const config = { scope: 'management' as const };
  const tags = [prefix.startsWith('/ops') ? 'ops' : 'management'];
  const base = `${prefix}/workspaces/:workspace_id/approval-policy`;

  r.get(
    base,
    { config, schema: { params: WorkspaceParams, response: { 200: ApprovalPolicy }, tags } },
    async (req) => getApprovalPolicy(deps.db, projectOf(req), req.params.workspace_id),
  );

  r.put(
    base,
    {
      config,
      schema: {
        params: WorkspaceParams,
        body: PutApprovalPolicyRequest,
        response: { 200: ApprovalPolicy },
        tags,
      },
    },
    async (req) =>
      putApprovalPolicy(deps.db, actorOf(req), projectOf(req), req.params.workspace_id, req.body),
  );

  r.get(
    `${base}/versions`,
    {
      config,
      schema: {
        params: WorkspaceParams,
        querystring: ListQuery,
        response: { 200: listOf(ApprovalPolicy) },
        tags,
      },
    },
    async (req) => listPolicyVersions(deps.db, projectOf(req), req.params.workspace_id, req.query),
  );

  r.get(
    `${base}/versions/:version`,
    { config, schema: { params: VersionParams, response: { 200: ApprovalPolicy }, tags } },
    async (req) => getPolicyVersion(deps.db, projectOf(req), req.params.workspace_id, req.params.version),
  );
}
