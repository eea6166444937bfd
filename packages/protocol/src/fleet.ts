import { z } from 'zod';
import { Timestamp } from './common';

export const Risk = z.enum(['read', 'write', 'destructive', 'irreversible']);
export type Risk = z.infer<typeof Risk>;
/** Ordered from least to most dangerous. */
export const RISK_ORDER: readonly Risk[] = ['read', 'write', 'destructive', 'irreversible'];

export const Name = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, 'letters, digits, spaces, dots, dashes and underscores');

export const WorkspaceType = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'lowercase word such as generic, linux or kubernetes');

export const Workspace = z.object({
  id: z.string(),
  name: z.string(),
  type: z.string(),
  description: z.string(),
  is_default: z.boolean(),
  paused: z.boolean(),
  pause_reason: z.string().nullable(),
  paused_at: Timestamp.nullable(),
  agent_ids: z.array(z.string()),
  created_at: Timestamp,
});
export type Workspace = z.infer<typeof Workspace>;

export const CreateWorkspaceRequest = z.object({
  name: Name,
  type: WorkspaceType.default('generic'),
  description: z.string().max(1000).default(''),
});
export const UpdateWorkspaceRequest = z.object({
  name: Name.optional(),
  description: z.string().max(1000).optional(),
  is_default: z.literal(true).optional(),
});
export const PauseRequest = z.object({ reason: z.string().trim().min(1).max(500) });
export const BindAgentRequest = z.object({ agent_id: z.string().min(1).max(64) });

export const RegistrationName = z
  .string()
  .max(48)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'kebab-case or alphanumeric, at most 48 characters');

export const Region = z
  .string()
  .min(1)
  .max(24)
  .regex(/^[\x21-\x7e]+$/, '1-24 printable ASCII characters');

export const JoinKey = z.object({
  id: z.string(),
  name: z.string(),
  region: z.string(),
  prefix: z.string(),
  workspace_id: z.string().nullable(),
  max_uses: z.number().int(),
  uses: z.number().int(),
  expires_at: Timestamp,
  revoked_at: Timestamp.nullable(),
  created_by: z.string().nullable(),
  created_at: Timestamp,
  active: z.boolean(),
});
export type JoinKey = z.infer<typeof JoinKey>;

export const CreateJoinKeyRequest = z.object({
  name: Name.default('join key'),
  region: Region.default('default'),
  ttl_hours: z.number().int().min(1).max(8760).default(24),
  max_uses: z.number().int().min(1).max(10000).default(1),
  /** Agents enrolled with this key are bound to this workspace (default: the project's default workspace). */
  workspace_id: z.string().min(1).max(64).optional(),
});
export type CreateJoinKeyRequest = z.infer<typeof CreateJoinKeyRequest>;
export const CreatedJoinKey = z.object({ key: z.string(), join_key: JoinKey });

export const AgentStatus = z.enum(['online', 'paused', 'draining', 'offline', 'revoked']);
export type AgentStatus = z.infer<typeof AgentStatus>;

export const Agent = z.object({
  id: z.string(),
  registration_name: z.string(),
  hostname: z.string(),
  version: z.string(),
  region: z.string(),
  description: z.string(),
  status: AgentStatus,
  status_reason: z.string().nullable(),
  max_concurrency: z.number().int(),
  in_flight: z.number().int(),
  tool_count: z.number().int(),
  manifest_hash: z.string().nullable(),
  manifest_version: z.number().int(),
  last_heartbeat_at: Timestamp.nullable(),
  lease_expires_at: Timestamp.nullable(),
  workspace_ids: z.array(z.string()),
  paused_workspace_ids: z.array(z.string()),
  created_at: Timestamp,
});
export type Agent = z.infer<typeof Agent>;

export const UpdateAgentRequest = z.object({
  description: z.string().max(1000).optional(),
});
export const AgentPauseRequest = z.object({
  reason: z.string().trim().min(1).max(500),
  /** Pause dispatch to this agent for one workspace only. */
  workspace_id: z.string().min(1).max(64).optional(),
});
export const AgentResumeRequest = z.object({ workspace_id: z.string().min(1).max(64).optional() });
