import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CreateTemplateRequest,
  ListQuery,
  ListTemplatesQuery,
  listOf,
  PromoteTemplateRequest,
  Template,
  TemplateVersion,
  UpdateTemplateRequest,
} from '@xem/protocol';
import type { Scope } from '@xem/protocol';
import type { AppDeps } from '../app-deps';
import { actorOf } from '../http/request-context';
import { listTemplates } from './list-templates';
import { promoteTemplate } from './promote-template';
import { getTemplateVersion, listTemplateVersions } from './template-versions';
import { getTemplate } from './template-view';
import { createTemplate, deleteTemplate, updateTemplate } from './templates-service';

const TemplateParams = z.object({ template_id: z.string().min(1).max(64) });
const VersionParams = TemplateParams.extend({
  version: z.coerce.number().int().min(1).max(2_147_483_647),
});

/** Where a mount puts the routes and which API-key scopes its reads accept (writes: `management`). */
export interface TemplatesMount {
  /** Last path segment: `templates` (management, dashboard) or `chat-templates` (`/:project_id/v1`). */
  segment: 'templates' | 'chat-templates';
  readScopes: readonly Scope[];
}

const MANAGEMENT_MOUNT: TemplatesMount = { segment: 'templates', readScopes: ['management'] };

/**
 * Chat templates, mounted under `/:project_id/v1/management/templates` (API key, `management`
 * scope), `/:project_id/v1/chat-templates` (reads with `inference` or `management`, writes with
 * `management`) and `/ops/api/templates` (dashboard session, active project). Reads for any member
 * (platform templates for every project); writes for owners, and for system admins on platform
 * templates.
 */
export function templatesRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  prefix: string,
  projectOf: (req: FastifyRequest) => string,
  mount: TemplatesMount = MANAGEMENT_MOUNT,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const config = { scope: 'management' as const };
  const read = { scope: mount.readScopes };
  const tags = [
    prefix.startsWith('/ops') ? 'ops' : mount.segment === 'templates' ? 'management' : 'inference',
  ];
  const base = `${prefix}/${mount.segment}`;
  const one = `${base}/:template_id`;

  r.get(
    base,
    { config: read, schema: { querystring: ListTemplatesQuery, response: { 200: listOf(Template) }, tags } },
    async (req) => listTemplates(deps.db, projectOf(req), req.query),
  );

  r.post(
    base,
    { config, schema: { body: CreateTemplateRequest, response: { 201: Template }, tags } },
    async (req, reply) =>
      reply.status(201).send(await createTemplate(deps.db, actorOf(req), projectOf(req), req.body)),
  );

  r.get(
    one,
    { config: read, schema: { params: TemplateParams, response: { 200: Template }, tags } },
    async (req) => getTemplate(deps.db, projectOf(req), req.params.template_id),
  );

  r.put(
    one,
    {
      config,
      schema: { params: TemplateParams, body: UpdateTemplateRequest, response: { 200: Template }, tags },
    },
    async (req) => updateTemplate(deps.db, actorOf(req), projectOf(req), req.params.template_id, req.body),
  );

  r.delete(
    one,
    { config, schema: { params: TemplateParams, response: { 200: Template }, tags } },
    async (req) => deleteTemplate(deps.db, actorOf(req), projectOf(req), req.params.template_id),
  );

  r.post(
    `${one}/promote`,
    {
      config,
      schema: { params: TemplateParams, body: PromoteTemplateRequest, response: { 200: Template }, tags },
    },
    async (req) => promoteTemplate(deps.db, actorOf(req), projectOf(req), req.params.template_id, req.body),
  );

  r.get(
    `${one}/versions`,
    {
      config: read,
      schema: {
        params: TemplateParams,
        querystring: ListQuery,
        response: { 200: listOf(TemplateVersion) },
        tags,
      },
    },
    async (req) => listTemplateVersions(deps.db, projectOf(req), req.params.template_id, req.query),
  );

  r.get(
    `${one}/versions/:version`,
    { config: read, schema: { params: VersionParams, response: { 200: TemplateVersion }, tags } },
    async (req) => getTemplateVersion(deps.db, projectOf(req), req.params.template_id, req.params.version),
  );
}
