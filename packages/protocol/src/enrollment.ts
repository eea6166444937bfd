import { z } from 'zod';
import { Timestamp } from './common';
import { Region, RegistrationName } from './fleet';

/** Raw 32-byte Ed25519 public key, base64url without padding. */
export const Ed25519PublicKey = z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'raw Ed25519 public key, base64url');

export const EnrollRequest = z.object({
  join_key: z.string().min(1).max(200),
  registration_name: RegistrationName,
  public_key: Ed25519PublicKey,
  hostname: z.string().min(1).max(255),
  version: z.string().min(1).max(64),
  region: Region.optional(),
  max_concurrent_executions: z.number().int().min(1).max(1000).default(20),
});
export type EnrollRequest = z.infer<typeof EnrollRequest>;

export const AgentCredential = z.object({
  agent_id: z.string(),
  project_id: z.string(),
  credential: z.string(),
  expires_at: Timestamp,
  lease_renewal_interval_ms: z.number().int(),
});
export type AgentCredential = z.infer<typeof AgentCredential>;

export const ChallengeRequest = z.object({ agent_id: z.string().min(1).max(64) });
export const Challenge = z.object({ challenge: z.string(), expires_at: Timestamp });

/** The signature is Ed25519 over the UTF-8 bytes of `xem-refresh:<agent_id>:<challenge>`, base64url. */
export const RefreshRequest = z.object({
  agent_id: z.string().min(1).max(64),
  challenge: z.string().min(1).max(200),
  signature: z.string().min(1).max(200),
});
export type RefreshRequest = z.infer<typeof RefreshRequest>;

export function refreshMessage(agentId: string, challenge: string): string {
  return `xem-refresh:${agentId}:${challenge}`;
}
