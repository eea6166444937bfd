import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { TokenRequest, TokenResponse, WhoAmI, type Scope } from '@xem/protocol';
import type { AppDeps } from '../app-deps';
import { appendAudit } from '../audit/append-audit';
import { AppError } from '../http/app-error';
import { authenticateApiKeyRequest } from '../http/api-key-auth';
import { isOwner } from '../http/principal';
import { auditContext, principalOf } from '../http/request-context';
import { findProject, projectsVisibleTo, roleIn } from '../projects/projects';
import { verifyCredentials } from '../sessions/verify-credentials';
import { insertKey } from './keys-service';

/**
 * `POST /v1/auth/token` turns e-mail + password into an API key (what `xeroctl auth login`
 * uses); `GET /v1/auth/whoami` tells a key who and where it is.
 */
export function tokenRoutes(app: FastifyInstance, deps: AppDeps): void {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post(
    '/v1/auth/token',
    { schema: { body: TokenRequest, response: { 201: TokenResponse }, tags: ['auth'] } },
    async (req, reply) => {
      const ctx = auditContext(req);
      const user = await verifyCredentials(deps, ctx, req.body.email, req.body.password);
      if (user.must_change_password) {
        throw new AppError(
          'password_change_required',
          'sign in to the dashboard and change your initial password first',
        );
      }
      const visible = await projectsVisibleTo(deps.db, user);
      const wanted = req.body.project;
      const found = wanted ? await findProject(deps.db, wanted) : undefined;
      const project = wanted
        ? visible.find((p) => p.id === found?.id)
        : visible.length === 1
          ? visible[0]
          : undefined;
      if (!project) {
        throw new AppError(
          'project_not_found',
          wanted
            ? `project ${wanted} was not found`
            : `you belong to ${visible.length} projects; name one with "project"`,
          { param: 'project' },
        );
      }
      const role = await roleIn(deps.db, project.id, user.id);
      const owner = isOwner({ isAdmin: user.is_admin, role });
      const allowed: Scope[] = owner ? ['execution', 'inference', 'management'] : ['execution', 'inference'];
      const scopes = req.body.scopes ?? allowed;
      const refused = scopes.filter((s) => !allowed.includes(s));
      if (refused.length > 0) {
        throw new AppError('owner_required', `only owners can hold the ${refused.join(', ')} scope`, {
          param: 'scopes',
        });
      }
      const created = await deps.db.transaction().execute(async (trx) => {
        const key = await insertKey(trx, project, user.id, { name: req.body.name, scopes });
        const actx = { ...ctx, actorType: 'user' as const, actorId: user.id, userId: user.id };
        await appendAudit(trx, project.id, actx, {
          action: 'api_key.create',
          targetType: 'api_key',
          targetId: key.api_key.id,
          after: {
            id: key.api_key.id,
            name: key.api_key.name,
            prefix: key.api_key.prefix,
            scopes,
            via_password: true,
          },
        });
        return key;
      });
      return reply.status(201).send({ ...created, project_id: project.id, project_slug: project.slug });
    },
  );

  r.get(
    '/v1/auth/whoami',
    {
      onRequest: async (req) => authenticateApiKeyRequest(deps.db, req, {}),
      schema: { response: { 200: WhoAmI }, tags: ['auth'] },
    },
    async (req) => {
      const p = principalOf(req);
      const key = await deps.db
        .selectFrom('api_keys as k')
        .innerJoin('projects as p', 'p.id', 'k.project_id')
        .select(['k.id', 'k.name', 'p.slug'])
        .where('k.id', '=', p.keyId!)
        .executeTakeFirstOrThrow();
      return {
        project_id: p.projectId!,
        project_slug: key.slug,
        key_id: key.id,
        key_name: key.name,
        scopes: p.scopes,
        user: { id: p.userId, email: p.email, role: p.role, is_admin: p.isAdmin },
      };
    },
  );
}
