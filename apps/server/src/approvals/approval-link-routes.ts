import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { Approval, LinkDecisionRequest } from '@xem/protocol';
import type { AppDeps } from '../app-deps';
import { auditDenied } from '../audit/append-audit';
import { SYSTEM_CHAIN, type AuditContext } from '../audit/audit-context';
import { AppError } from '../http/app-error';
import { sendHtml } from '../http/html-page';
import { auditContext } from '../http/request-context';
import { approvalLinkPage, linkDecidedPage, linkInvalidPage, linkRefusedPage } from './approval-link-page';
import { decideApproval, LINK_INVALID_MESSAGE } from './decide-approval';
import { openApprovalLink, verifiedClaims } from './open-approval-link';

const Params = z.object({ approval_id: z.string().min(1).max(64) });
const PageQuery = z.object({ token: z.string().max(8192).optional() });

const linkInvalid = () => new AppError('approval_link_invalid', LINK_INVALID_MESSAGE);

function wantsHtml(req: FastifyRequest): boolean {
  return (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
}

/**
 * The one-time approval link: `GET /ops/approval/:id?token=…` shows the request read-only and
 * `POST /ops/approval/:id` (HTML form or JSON) decides it. The signed token is the credential,
 * so there is no session and no CSRF token; the Origin check of /ops still applies. Without
 * XEROTIER_APPROVAL_LINK_SECRET both answer like routes that do not exist. Every unusable token
 * gets the same answer, whatever made it unusable. Registered in its own plugin so that only
 * these routes (and the invitation form) accept form bodies.
 */
export async function approvalLinkRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  await app.register(formbody, { bodyLimit: 8192 });
  app.addHook('onRequest', async (req) => {
    if (deps.config.approvalLinkSecret === undefined) {
      throw new AppError('not_found', `no route for ${req.method} ${req.url.split('?')[0]}`);
    }
  });
  const secret = () => deps.config.approvalLinkSecret!;
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/ops/approval/:approval_id',
    { config: { public: true }, schema: { params: Params, querystring: PageQuery, tags: ['ops'] } },
    async (req, reply) => {
      const token = req.query.token ?? '';
      const view = await openApprovalLink(deps.db, secret(), req.params.approval_id, token);
      if (!view) return sendHtml(reply, 403, linkInvalidPage());
      return sendHtml(reply, 200, approvalLinkPage(view, token));
    },
  );

  r.post(
    '/ops/approval/:approval_id',
    {
      config: { public: true },
      schema: {
        params: Params,
        body: LinkDecisionRequest,
        response: { 200: Approval },
        tags: ['ops'],
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
      },
    },
    async (req, reply) => {
      void reply.header('cache-control', 'no-store');
      const html = wantsHtml(req);
      const approvalId = req.params.approval_id;
      const { token, decision } = req.body;
      const comment = req.body.comment || undefined;
      const claims = await verifiedClaims(deps.db, secret(), approvalId, token);
      const ctx: AuditContext = claims
        ? { ...auditContext(req), actorType: 'link', actorId: `link:${claims.sub}`, via: 'link' }
        : { ...auditContext(req), via: 'link' };
      try {
        if (!claims) throw linkInvalid();
        const approval = await decideApproval(deps.db, {
          projectId: claims.pid,
          approvalId,
          decision,
          note: decision === 'approve' ? comment : undefined,
          reason: decision === 'reject' ? comment : undefined,
          // A form sends an empty box as ''; that is no confirmation, and it is refused as such.
          confirm: req.body.confirm || undefined,
          who: { kind: 'link', email: claims.sub },
          via: 'link',
          linkJti: claims.jti,
          ctx,
        });
        return html ? sendHtml(reply, 200, linkDecidedPage(approval, decision)) : approval;
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        if (err.code === 'approval_link_invalid') {
          await auditDenied(deps.db, claims?.pid ?? SYSTEM_CHAIN, ctx, {
            action: `approval.${decision}`,
            targetType: 'approval',
            targetId: approvalId,
            after: { code: err.code },
          });
          if (html) return sendHtml(reply, 403, linkInvalidPage());
          throw linkInvalid();
        }
        if (!html) throw err;
        if (err.code === 'approval_confirm_mismatch') {
          // The link was not consumed: show the form again, with what to fix.
          const view = await openApprovalLink(deps.db, secret(), approvalId, token);
          if (view) return sendHtml(reply, err.status, approvalLinkPage(view, token, err.message));
        }
        return sendHtml(reply, err.status, linkRefusedPage(err.message));
      }
    },
  );
}
