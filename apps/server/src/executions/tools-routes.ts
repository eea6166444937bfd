import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ListQuery, listOf, Tool } from '@xem/protocol';
import type { AppDeps } from '../app-deps';
import { AppError } from '../http/app-error';
import { findTool, listToolsPage } from './tool-catalogue';

const ToolParams = z.object({ name: z.string().min(1).max(64) });

/** The tool catalogue under `/:project_id/v1/exec/tools` (API key with the `execution` scope). */
export function toolsRoutes(
  app: FastifyInstance,
  deps: AppDeps,
  base: string,
  projectOf: (req: FastifyRequest) => string,
): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const config = { scope: 'execution' as const };
  const tags = ['exec'];

  r.get(
    base,
    { config, schema: { querystring: ListQuery, response: { 200: listOf(Tool) }, tags } },
    async (req) => listToolsPage(deps.db, projectOf(req), req.query),
  );

  r.get(
    `${base}/:name`,
    { config, schema: { params: ToolParams, response: { 200: Tool }, tags } },
    async (req) => {
      const tool = await findTool(deps.db, projectOf(req), req.params.name);
      if (!tool) {
        throw new AppError('exec_tool_not_found', `no agent of this project offers tool ${req.params.name}`);
      }
      return tool;
    },
  );
}
