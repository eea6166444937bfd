import cookie from '@fastify/cookie';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { AppDeps } from './app-deps';
import { approvalLinkRoutes } from './approvals/approval-link-routes';
import { approvalsRoutes } from './approvals/approvals-routes';
import { agentsRoutes } from './agents/agents-routes';
import { delegationsRoutes } from './approvals/delegations-routes';
import { discoveryRoutes } from './discovery/discovery-routes';
import { enrollRoutes } from './agents/enroll-routes';
import { joinKeysRoutes } from './agents/join-keys-routes';
import { approvalPolicyRoutes } from './approvals/approval-policy-routes';
import { auditRefusal } from './audit/audit-refusal';
import { auditRoutes } from './audit/audit-routes';
import { StreamRegistry } from './events/stream-registry';
import { overviewRoute } from './dashboard/overview-route';
import { dashboardAssetRoutes, dashboardPageRoutes } from './dashboard/dashboard-routes';
import { opsStreamRoute, publicStreamRoutes } from './events/stream-routes';
import { executionsRoutes } from './executions/executions-routes';
import { toolsRoutes } from './executions/tools-routes';
import { agentConnectRoute } from './channel/agent-connect-route';
import { healthRoutes } from './health-routes';
import { registerProjectKeyAuth } from './http/api-key-auth';
import { AppError } from './http/app-error';
import { registerErrorHandler, sendError } from './http/error-handler';
import { registerOpsAuth } from './http/ops-auth';
import { pageStylesheetRoute } from './http/page-stylesheet';
import { genRequestId } from './http/request-id';
import { activeProjectOf, principalOf } from './http/request-context';
import { keysRoutes } from './keys/keys-routes';
import { tokenRoutes } from './keys/token-routes';
import { outboxRoutes } from './mail/outbox-routes';
import { invitationPageRoutes } from './members/invitation-page-routes';
import { mcpRoutes } from './mcp/mcp-routes';
import { chatRunnerFor } from './chats/chat-runner-for';
import { chatsRoutes } from './chats/chats-routes';
import { membersRoutes } from './members/members-routes';
import { opsSessionRoutes } from './sessions/ops-session-routes';
import { templatesRoutes } from './templates/templates-routes';
import { webhooksRoutes } from './webhooks/webhooks-routes';
import { workspacesRoutes } from './workspaces/workspaces-routes';

export interface BuildAppOptions {
  /** pino logger options, or false for none (tests); `stream` captures the lines (tests). */
  logger?: boolean | { level: string; stream?: { write(line: string): void } };
}

const keyProject = (req: FastifyRequest) => principalOf(req).projectId!;

/** Builds the HTTP application without side effects: no listening, no timers. */
export async function buildApp(deps: AppDeps, opts: BuildAppOptions = {}): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    logger:
      opts.logger === false
        ? false
        : {
            level: typeof opts.logger === 'object' ? opts.logger.level : config.logLevel,
            ...(typeof opts.logger === 'object' && opts.logger.stream ? { stream: opts.logger.stream } : {}),
            redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["x-csrf-token"]'],
            serializers: {
              // Paths only: query strings may carry one-time tokens.
              req: (req: FastifyRequest) => ({ method: req.method, url: req.url.split('?')[0], id: req.id }),
            },
          },
    genReqId: genRequestId,
    requestIdHeader: false,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    routerOptions: { maxParamLength: 200 },
    // URLs the router cannot even parse still get the envelope and a request id.
    frameworkErrors: (err, req, reply) => {
      void reply.header('x-request-id', req.id).header('x-content-type-options', 'nosniff');
      const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
      return sendError(
        reply,
        new AppError('invalid_query', tooLong ? 'a path segment is too long' : 'the URL is malformed', {
          status: tooLong ? 414 : 400,
        }),
      );
    },
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req, reply) => {
    void reply.header('x-request-id', req.id);
  });
  registerErrorHandler(app);
  // Refusals raised inside handlers (owner_required, …) are audited like those of the guards.
  app.addHook('onError', async (req, _reply, err) => auditRefusal(deps.db, req, err));

  await app.register(cookie);
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    hsts: config.secureCookies ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
  });
  if (config.rateLimitPerMinute > 0) {
    await app.register(rateLimit, {
      max: config.rateLimitPerMinute,
      timeWindow: 60_000,
      errorResponseBuilder: (_req, ctx) =>
        new AppError('rate_limited', `more than ${ctx.max} requests a minute from this address; slow down`, {
          retryAfterSeconds: Math.max(1, Math.ceil(ctx.ttl / 1000)),
        }),
    });
  }
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'XEM API',
        version: '0.1.0',
        description: 'Public, management and dashboard routes of XEM.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'xero_<project-slug>_<random>' },
          session: { type: 'apiKey', in: 'cookie', name: 'xem_session' },
        },
      },
    },
    transform: jsonSchemaTransform,
  });

  // Result frames carry up to 1 MiB of stdout and of stderr each, JSON-escaped.
  await app.register(websocket, { options: { maxPayload: 16 * 1024 * 1024 } });

  healthRoutes(app, deps);
  tokenRoutes(app, deps);
  enrollRoutes(app, deps);
  agentConnectRoute(app, deps);
  app.get('/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // Open event streams of this process; they end (telling clients to reconnect) before the server closes.
  const streams = new StreamRegistry(deps.db, config, app.log);
  app.addHook('preClose', async () => streams.closeAll('shutdown'));
  // Chat turns run in this process; they stop (and are resumed elsewhere) when it closes.
  const chats = chatRunnerFor(deps, app.log);
  app.addHook('preClose', async () => chats.runner.close());

  await dashboardAssetRoutes(app, config);
  pageStylesheetRoute(app);
  await app.register(async (ops) => {
    registerOpsAuth(ops, deps);
    dashboardPageRoutes(ops, config);
    opsStreamRoute(ops, deps, streams);
    opsSessionRoutes(ops, deps);
    await ops.register(async (form) => invitationPageRoutes(form, deps));
    await ops.register(async (link) => approvalLinkRoutes(link, deps));
    keysRoutes(ops, deps, '/ops/api/keys', activeProjectOf);
    membersRoutes(ops, deps, '/ops/api', activeProjectOf);
    delegationsRoutes(ops, deps, '/ops/api', activeProjectOf);
    auditRoutes(ops, deps, '/ops/api/audit', activeProjectOf);
    workspacesRoutes(ops, deps, '/ops/api', activeProjectOf);
    approvalPolicyRoutes(ops, deps, '/ops/api', activeProjectOf);
    joinKeysRoutes(ops, deps, '/ops/api', activeProjectOf);
    agentsRoutes(ops, deps, '/ops/api', activeProjectOf);
    webhooksRoutes(ops, deps, '/ops/api', activeProjectOf);
    discoveryRoutes(ops, deps, '/ops/api', activeProjectOf);
    templatesRoutes(ops, deps, '/ops/api', activeProjectOf);
    toolsRoutes(ops, deps, '/ops/api/tools', activeProjectOf);
    executionsRoutes(ops, deps, '/ops/api/executions', activeProjectOf);
    approvalsRoutes(ops, deps, '/ops/api/approvals', activeProjectOf);
    outboxRoutes(ops, deps, '/ops/api/outbox', activeProjectOf);
    chatsRoutes(ops, deps, chats, streams, '/ops/api', activeProjectOf);
    overviewRoute(ops, deps);
  });

  await app.register(async (project) => {
    registerProjectKeyAuth(project, deps.db);
    keysRoutes(project, deps, '/:project_id/v1/management/keys', keyProject);
    membersRoutes(project, deps, '/:project_id/v1/management/project', keyProject);
    delegationsRoutes(project, deps, '/:project_id/v1/management/project', keyProject);
    auditRoutes(project, deps, '/:project_id/v1/management/audit', keyProject);
    workspacesRoutes(project, deps, '/:project_id/v1/management', keyProject);
    approvalPolicyRoutes(project, deps, '/:project_id/v1/management', keyProject);
    joinKeysRoutes(project, deps, '/:project_id/v1/management', keyProject);
    agentsRoutes(project, deps, '/:project_id/v1/management', keyProject);
    webhooksRoutes(project, deps, '/:project_id/v1/management', keyProject);
    discoveryRoutes(project, deps, '/:project_id/v1/management', keyProject);
    templatesRoutes(project, deps, '/:project_id/v1/management', keyProject);
    templatesRoutes(project, deps, '/:project_id/v1', keyProject, {
      segment: 'chat-templates',
      readScopes: ['inference', 'management'],
    });
    toolsRoutes(project, deps, '/:project_id/v1/exec/tools', keyProject);
    executionsRoutes(project, deps, '/:project_id/v1/exec/executions', keyProject);
    approvalsRoutes(project, deps, '/:project_id/v1/exec/approvals', keyProject);
    outboxRoutes(project, deps, '/:project_id/v1/management/outbox', keyProject);
    publicStreamRoutes(project, deps, streams, keyProject);
    mcpRoutes(project, deps, '/:project_id/v1/mcp', keyProject);
    chatsRoutes(project, deps, chats, streams, '/:project_id/v1', keyProject);
  });

  return app;
}
