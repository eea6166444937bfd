import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../app-deps';
import { AppError } from '../http/app-error';
import { sendHtml } from '../http/html-page';
import { auditContext } from '../http/request-context';
import { acceptInvitation, describeInvitation } from './accept-invitation';
import { invitationFormPage, messagePage } from './invitation-page';

const TokenQuery = z.object({ token: z.string().min(1).max(200) });
const AcceptForm = z.object({
  token: z.string().min(1).max(200),
  password: z.string().min(1).max(256),
  name: z.string().trim().max(120).optional(),
});

/**
 * The page an invitation link opens, and the form it posts. Registered in its own plugin so
 * that only this route accepts form bodies; everything else stays JSON-only.
 */
export async function invitationPageRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  await app.register(formbody, { bodyLimit: 4096 });
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get(
    '/ops/invitations/accept',
    { config: { public: true }, schema: { querystring: TokenQuery, tags: ['ops'] } },
    async (req, reply) => {
      const inv = await describeInvitation(deps.db, req.query.token);
      if (!inv) {
        return sendHtml(
          reply,
          400,
          messagePage(
            'Invitation not valid',
            'This invitation link has expired, was used or was revoked. Ask a project owner for a new one.',
          ),
        );
      }
      return sendHtml(reply, 200, invitationFormPage({ ...inv, token: req.query.token }));
    },
  );

  r.post(
    '/ops/invitations/accept/form',
    {
      config: { public: true },
      schema: { body: AcceptForm, tags: ['ops'], consumes: ['application/x-www-form-urlencoded'] },
    },
    async (req, reply) => {
      try {
        const { user, projectId } = await acceptInvitation(deps, auditContext(req), {
          token: req.body.token,
          password: req.body.password,
          name: req.body.name || undefined,
        });
        const project = await deps.db
          .selectFrom('projects')
          .select('name')
          .where('id', '=', projectId)
          .executeTakeFirst();
        return sendHtml(
          reply,
          200,
          messagePage(
            'Welcome to XEM',
            `${user.email} is now a member of ${project?.name ?? projectId}. Sign in at ${deps.config.baseUrl}/ops/login.`,
          ),
        );
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        if (err.retryAfterSeconds !== undefined)
          void reply.header('retry-after', String(err.retryAfterSeconds));
        return sendHtml(reply, err.status, messagePage('Could not join the project', err.message));
      }
    },
  );
}
