import { z } from 'zod';
import { Timestamp } from './common';

/** `GET /ops/api/overview`: the Overview tab's cards and trend, for the session's active project. */
export const OpsOverview = z.object({
  agents_online: z.number().int(),
  /** Enrolled agents that are not revoked. */
  agents_total: z.number().int(),
  /** Executions dispatched to an agent and not finished. */
  active_executions: z.number().int(),
  pending_approvals: z.number().int(),
  /** Executions waiting for an agent (`queued`). */
  queue_depth: z.number().int(),
  /** Executions waiting for a human (`pending_approval`). */
  awaiting_approval: z.number().int(),
  /** Executions created per minute over the last hour, oldest first, 60 entries (zeros included). */
  executions_per_minute: z.array(z.object({ minute: Timestamp, count: z.number().int() })),
  /** The database clock when this was computed. */
  as_of: Timestamp,
});
export type OpsOverview = z.infer<typeof OpsOverview>;
