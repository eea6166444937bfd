import { z } from 'zod';
import { Risk } from './fleet';

export const ToolName = z
  .string()
  .min(1)
  .max(64)
  .regex(
    /^[a-z][a-z0-9_.-]*$/,
    'lowercase letters, digits, dots, dashes and underscores, starting with a letter',
  );

/** A JSON Schema (draft 2020-12) object describing a tool's arguments. */
export const ParamsSchema = z.record(z.string(), z.unknown());

/** One tool as an agent declares it in its manifest. */
export const ManifestTool = z.object({
  name: ToolName,
  description: z.string().max(2000),
  risk: Risk,
  domain: z.string().max(64).default('general'),
  timeout_ms: z.number().int().min(100).max(86_400_000),
  idempotent: z.boolean(),
  mcp_visible: z.boolean().default(true),
  params: ParamsSchema.default({ type: 'object', properties: {}, additionalProperties: false }),
  /** Which bundle it came from, or `builtin` for tools inside the agent process. */
  bundle: z.string().max(64),
});
export type ManifestTool = z.infer<typeof ManifestTool>;

/** What an agent publishes: its tools, with a hash of the canonical form and a version it bumps. */
export const Manifest = z.object({
  tools: z.array(ManifestTool).max(1000),
});
export type Manifest = z.infer<typeof Manifest>;

/** A tool in the project's catalogue: the union of the manifests of its agents. */
export const Tool = z.object({
  name: z.string(),
  description: z.string(),
  risk: Risk,
  domain: z.string(),
  timeout_ms: z.number().int(),
  idempotent: z.boolean(),
  mcp_visible: z.boolean(),
  params: ParamsSchema,
  agents: z.array(z.object({ id: z.string(), registration_name: z.string(), status: z.string() })),
  workspace_ids: z.array(z.string()),
});
export type Tool = z.infer<typeof Tool>;
