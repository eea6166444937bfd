import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  CreateExecutionRequest,
  Execution,
  ExecutionDetail,
  ListExecutionsQuery,
  listOf,
  type ExecutionSource,
} from '@xem/protocol';
import type { AppDeps } from '../app-deps';
import { notifySettingsOf } from '../approvals/notify-stage';
import { AppError } from '../http/app-error';
import { auditContext, principalOf } from '../http/request-context';
import { cancelExecution } from './cancel-execution';
import { createExecution } from './create-execution';
import { listExecutions } from './list-executions';
import { markExecutionFailed, retryExecution } from './resolve-execution';
import { rawOutput, showExecution } from './show-execution';

const ExecParams = z.object({ execution_id: z.string().min(1).max(64) });
const RawQuery = z.object({ stream: z.enum(['stdout', 'stderr']).default('stdout') });

/** Printable ASCII, as in the IETF Idempotency-Key draft's examples; long enough for UUIDs and more. */
function idempotencyKeyOf(req: FastifyRequest): string | null {
  const v = req.headers['idempotency-key'];
  if (v === undefined) return null;
  if (typeof v !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(v)) {
    throw new AppError('invalid_body', 'Idempotency-Key must be 1-255 printable ASCII characters', {
      param: 'Idempotency-Key',
    });
  }
  return v;
}

/** Executions under `/:project_id/v1/exec/executions` (API key with the `execution` scope). */
export function executionsRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  base: string,
  projectOf: (req: FastifyRequest) => string,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const config = { scope: 'execution' as const };
  const tags = ['exec'];
  const settings = {
    maxAttempts: deps.config.executionMaxAttempts,
    // A reconnecting agent shows up within one lease TTL.
    retryAfterSeconds: Math.max(1, Math.ceil((3 * deps.config.leaseRenewalIntervalMs) / 1000)),
    notify: notifySettingsOf(deps.config, app.log),
  };

  r.post(
    base,
    { config, schema: { body: CreateExecutionRequest, response: { 201: Execution }, tags } },
    async (req, reply) => {
      const p = principalOf(req);
      const ctx = auditContext(req);
      const source: ExecutionSource =
        req.body.source ?? (ctx.via === 'cli' || ctx.via === 'dashboard' ? ctx.via : 'api');
      const created = await createExecution(deps.db, settings, {
        projectId: projectOf(req),
        body: req.body,
        idempotencyKey: idempotencyKeyOf(req),
        source,
        userId: p.userId,
        keyId: p.keyId,
        ctx,
      });
      return reply.status(201).send(created);
    },
  );

  r.get(
    base,
    { config, schema: { querystring: ListExecutionsQuery, response: { 200: listOf(Execution) }, tags } },
    async (req) => listExecutions(deps.db, projectOf(req), req.query),
  );

  r.get(
    `${base}/:execution_id`,
    { config, schema: { params: ExecParams, response: { 200: ExecutionDetail }, tags } },
    async (req) => showExecution(deps.db, projectOf(req), req.params.execution_id),
  );

  r.get(
    `${base}/:execution_id/raw`,
    {
      config,
      schema: { params: ExecParams, querystring: RawQuery, tags, produces: ['text/plain'] },
    },
    async (req, reply) => {
      const text = await rawOutput(deps.db, projectOf(req), req.params.execution_id, req.query.stream);
      return reply.type('text/plain; charset=utf-8').send(text);
    },
  );

  r.post(
    `${base}/:execution_id/cancel`,
    { config, schema: { params: ExecParams, response: { 200: Execution }, tags } },
    async (req) => cancelExecution(deps.db, projectOf(req), req.params.execution_id, auditContext(req)),
  );

  r.post(
    `${base}/:execution_id/retry`,
    { config, schema: { params: ExecParams, response: { 200: Execution }, tags } },
    async (req) => retryExecution(deps.db, projectOf(req), req.params.execution_id, auditContext(req)),
  );

  r.post(
    `${base}/:execution_id/mark-failed`,
    { config, schema: { params: ExecParams, response: { 200: Execution }, tags } },
    async (req) => markExecutionFailed(deps.db, projectOf(req), req.params.execution_id, auditContext(req)),
  );
}
