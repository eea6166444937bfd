import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ApprovalStreamQuery, EventId, ExecutionStreamQuery, OpsStreamQuery } from '@xem/protocol';
import type { AppDeps } from '../app-deps';
import { auditDenied } from '../audit/append-audit';
import { SYSTEM_CHAIN } from '../audit/audit-context';
import { AppError } from '../http/app-error';
import { isSameOriginRequest } from '../http/origin-check';
import { activeProjectOf, auditContext, principalOf } from '../http/request-context';
import { serveEventStream } from './event-stream';
import type { StreamFilter } from './stream-frames';
import type { StreamRegistry } from './stream-registry';

/** Resume point: the Last-Event-ID header (sent by EventSource on reconnect) or `?last_event_id=`. */
export function lastEventIdOf(req: FastifyRequest, fromQuery: string | undefined): bigint | null {
  const header = req.headers['last-event-id'];
  if (header !== undefined && header !== '') {
    const parsed = EventId.safeParse(header);
    if (!parsed.success) {
      throw new AppError('invalid_header', 'Last-Event-ID must be the id of an event (digits only)', {
        param: 'Last-Event-ID',
      });
    }
    return BigInt(parsed.data);
  }
  return fromQuery === undefined ? null : BigInt(fromQuery);
}

function filterOf(q: {
  workspace?: string[] | undefined;
  tool?: string[] | undefined;
  status?: string[] | undefined;
  risk?: string[] | undefined;
  agent?: string[] | undefined;
}): StreamFilter | null {
  const f: StreamFilter = {};
  if (q.workspace?.length) f.workspace = new Set(q.workspace);
  if (q.tool?.length) f.tool = new Set(q.tool);
  if (q.status?.length) f.status = new Set(q.status);
  if (q.risk?.length) f.risk = new Set(q.risk);
  if (q.agent?.length) f.agent = new Set(q.agent);
  return Object.keys(f).length > 0 ? f : null;
}

/** `GET /ops/stream`: the dashboard's stream of the session's active project (`ox.*` names). */
export function opsStreamRoute(app: FastifyInstance, deps: AppDeps, registry: StreamRegistry): void {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/ops/stream',
    {
      schema: {
        querystring: OpsStreamQuery,
        tags: ['ops'],
        description: 'Server-Sent Events (ox.*) of the active project; see docs/events.md.',
        produces: ['text/event-stream'],
      },
    },
    async (req, reply) => {
      // A GET needs no CSRF token, but an EventSource opened by another site must not read it.
      if (!isSameOriginRequest(req, deps.config.baseUrl)) {
        await auditDenied(deps.db, SYSTEM_CHAIN, auditContext(req), {
          action: 'auth.origin_refused',
          after: { method: req.method, path: '/ops/stream', origin: req.headers.origin ?? null },
        });
        throw new AppError('origin_forbidden', 'cross-site request refused');
      }
      const p = principalOf(req);
      await serveEventStream(deps, registry, req, reply, {
        kind: 'ops',
        owner: {
          userId: p.userId,
          projectId: activeProjectOf(req),
          sessionIdHash: p.sessionIdHash,
          keyId: null,
        },
        filter: null,
        lastEventId: lastEventIdOf(req, req.query.last_event_id),
      });
    },
  );
}

/** The public streams under `/:project_id/v1/exec` (`x_exec.*` names; API key, `execution` scope). */
export function publicStreamRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  registry: StreamRegistry,
  projectOf: (req: FastifyRequest) => string,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const config = { scope: 'execution' as const };
  const streams = [
    {
      kind: 'executions' as const,
      path: '/:project_id/v1/exec/executions/stream',
      query: ExecutionStreamQuery,
    },
    { kind: 'approvals' as const, path: '/:project_id/v1/exec/approvals/stream', query: ApprovalStreamQuery },
  ];
  for (const s of streams) {
    r.get(
      s.path,
      {
        config,
        schema: {
          querystring: s.query,
          tags: ['exec'],
          description: `Server-Sent Events (x_exec.${s.kind === 'executions' ? 'execution' : 'approval'}.*); see docs/events.md.`,
          produces: ['text/event-stream'],
        },
      },
      async (req, reply) => {
        const p = principalOf(req);
        await serveEventStream(deps, registry, req, reply, {
          kind: s.kind,
          owner: { userId: p.userId, projectId: projectOf(req), sessionIdHash: null, keyId: p.keyId },
          filter: filterOf(req.query),
          lastEventId: lastEventIdOf(req, req.query.last_event_id),
        });
      },
    );
  }
}
