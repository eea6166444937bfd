import { z } from 'zod';
import { Timestamp } from './common';

/**
 * Discovery: components an agent found on its host (a listening service, a cluster), stored as
 * candidates that a project owner accepts (they join the graph) or rejects (they stay out and are
 * not proposed again unless their attributes change). docs/discovery.md has the rules.
 */
export const DiscoveryStatus = z.enum(['pending', 'accepted', 'rejected']);
export type DiscoveryStatus = z.infer<typeof DiscoveryStatus>;

export const DiscoveryCandidate = z.object({
  id: z.string(),
  agent_id: z.string(),
  kind: z.string(),
  name: z.string(),
  address: z.string().nullable(),
  attributes: z.record(z.string(), z.unknown()),
  status: DiscoveryStatus,
  first_seen_at: Timestamp,
  last_seen_at: Timestamp,
  decided_by: z.string().nullable(),
  decided_at: Timestamp.nullable(),
  reason: z.string().nullable(),
});
export type DiscoveryCandidate = z.infer<typeof DiscoveryCandidate>;

const Id = z.string().min(1).max(64);

/** `GET …/discovery`: newest first (first seen), one keyset page. */
export const DiscoveryListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
  status: DiscoveryStatus.optional(),
  agent: Id.optional(),
  kind: z.string().min(1).max(64).optional(),
});
export type DiscoveryListQuery = z.infer<typeof DiscoveryListQuery>;

/** `POST …/discovery/:id/reject`: the reason is kept with the candidate and in the audit log. */
export const RejectDiscoveryRequest = z.object({
  reason: z.string().trim().min(1, 'give a reason for the rejection').max(1000),
});
export type RejectDiscoveryRequest = z.infer<typeof RejectDiscoveryRequest>;

/** `POST …/discovery/:id/accept`: the body is optional; a note is kept as the reason. */
export const AcceptDiscoveryRequest = z.object({ reason: z.string().trim().max(1000).optional() }).nullish();
export type AcceptDiscoveryRequest = z.infer<typeof AcceptDiscoveryRequest>;
