import { z } from 'zod';
import { Timestamp } from './common';

export const Scope = z.enum(['execution', 'inference', 'management']);
export type Scope = z.infer<typeof Scope>;

export const ApiKey = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('first characters of the key, enough to recognise it'),
  scopes: z.array(Scope),
  created_by: z.string().nullable(),
  created_at: Timestamp,
  expires_at: Timestamp.nullable(),
  last_used_at: Timestamp.nullable(),
  revoked_at: Timestamp.nullable(),
  rotated_to: z.string().nullable(),
  active: z.boolean(),
});
export type ApiKey = z.infer<typeof ApiKey>;

export const CreateKeyRequest = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(Scope).min(1).max(3),
  expires_in_days: z.number().int().min(1).max(3650).optional(),
});
export type CreateKeyRequest = z.infer<typeof CreateKeyRequest>;

export const RotateKeyRequest = z.object({
  grace_period_hours: z.number().int().min(0).max(720).default(24),
});

/** The secret appears in exactly this response and never again. */
export const CreatedKey = z.object({ key: z.string(), api_key: ApiKey });
export type CreatedKey = z.infer<typeof CreatedKey>;

export const TokenRequest = z.object({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(256),
  project: z.string().min(1).max(64).optional().describe('project id or slug; default: the only project'),
  name: z.string().trim().min(1).max(100).default('xeroctl'),
  scopes: z.array(Scope).min(1).max(3).optional(),
});
export type TokenRequest = z.infer<typeof TokenRequest>;

export const TokenResponse = CreatedKey.extend({ project_id: z.string(), project_slug: z.string() });
export type TokenResponse = z.infer<typeof TokenResponse>;

export const WhoAmI = z.object({
  project_id: z.string(),
  project_slug: z.string(),
  key_id: z.string(),
  key_name: z.string(),
  scopes: z.array(Scope),
  user: z.object({ id: z.string(), email: z.string(), role: z.string().nullable(), is_admin: z.boolean() }),
});
export type WhoAmI = z.infer<typeof WhoAmI>;
