import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  Approval,
  ApprovalDetail,
  ApproveRequest,
  ListApprovalsQuery,
  listOf,
  RejectRequest,
} from '@xem/protocol';
import type { AppDeps } from '../app-deps';
import { AppError } from '../http/app-error';
import { auditContext, principalOf } from '../http/request-context';
import { loadApproval } from './approval-view';
import { authorityOf, type Decider } from './approver-authority';
import { decideApproval } from './decide-approval';
import { listApprovals } from './list-approvals';

const Params = z.object({ approval_id: z.string().min(1).max(64) });

function deciderOf(req: FastifyRequest): Decider {
  const p = principalOf(req);
  return { kind: 'user', userId: p.userId, email: p.email, isAdmin: p.isAdmin, role: p.role };
}

/**
 * Approvals under `base` (`/:project_id/v1/exec/approvals` with the `execution` scope, or
 * `/ops/api/approvals` for the dashboard): list, show (with whether the caller may decide),
 * approve and reject.
 */
export function approvalsRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  base: string,
  projectOf: (req: FastifyRequest) => string,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const config = { scope: 'execution' as const };
  const tags = ['approvals'];

  r.get(
    base,
    { config, schema: { querystring: ListApprovalsQuery, response: { 200: listOf(Approval) }, tags } },
    async (req) => listApprovals(deps.db, projectOf(req), req.query),
  );

  r.get(
    `${base}/:approval_id`,
    { config, schema: { params: Params, response: { 200: ApprovalDetail }, tags } },
    async (req) => {
      const projectId = projectOf(req);
      const approval = await loadApproval(deps.db, projectId, req.params.approval_id);
      if (!approval) throw new AppError('not_found', `approval ${req.params.approval_id} was not found`);
      let viewer: ApprovalDetail['viewer'] = {
        can_decide: false,
        reason: `the approval is ${approval.status}`,
      };
      if (approval.status === 'pending') {
        const row = await deps.db
          .selectFrom('approvals')
          .selectAll()
          .where('id', '=', approval.id)
          .executeTakeFirstOrThrow();
        const a = await authorityOf(deps.db, row, deciderOf(req));
        viewer = { can_decide: a.allowed, reason: a.reason };
      }
      return { ...approval, viewer };
    },
  );

  const decide = (
    req: FastifyRequest,
    decision: 'approve' | 'reject',
    body: { note?: string; reason?: string; confirm?: string },
  ) => {
    const ctx = auditContext(req);
    return decideApproval(deps.db, {
      projectId: projectOf(req),
      approvalId: (req.params as { approval_id: string }).approval_id,
      decision,
      note: body.note,
      reason: body.reason,
      confirm: body.confirm,
      who: deciderOf(req),
      via: ctx.via === 'dashboard' || ctx.via === 'cli' ? ctx.via : 'api',
      ctx,
    });
  };

  r.post(
    `${base}/:approval_id/approve`,
    { config, schema: { params: Params, body: ApproveRequest, response: { 200: Approval }, tags } },
    async (req) => decide(req, 'approve', req.body),
  );

  r.post(
    `${base}/:approval_id/reject`,
    { config, schema: { params: Params, body: RejectRequest, response: { 200: Approval }, tags } },
    async (req) => decide(req, 'reject', req.body),
  );
}
