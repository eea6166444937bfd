import { z } from 'zod';
import { Timestamp } from './common';

export const AuditVia = z.enum(['dashboard', 'api', 'cli', 'link', 'agent', 'system', 'chat']);
export type AuditVia = z.infer<typeof AuditVia>;

export const AuditOutcome = z.enum(['success', 'denied', 'failed']);
export type AuditOutcome = z.infer<typeof AuditOutcome>;

export const AuditEntry = z.object({
  seq: z.number().int(),
  at: Timestamp,
  actor_type: z.string(),
  actor_id: z.string().nullable(),
  via: AuditVia,
  request_id: z.string().nullable(),
  ip: z.string().nullable(),
  action: z.string(),
  target_type: z.string().nullable(),
  target_id: z.string().nullable(),
  outcome: AuditOutcome,
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  prev_hash: z.string(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(40).optional(),
  action: z.string().max(100).optional(),
  actor_id: z.string().max(100).optional(),
  target_id: z.string().max(100).optional(),
  outcome: AuditOutcome.optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditProblem = z.object({
  seq: z.number().int(),
  kind: z.enum(['hash_mismatch', 'chain_broken', 'missing_rows', 'head_mismatch']),
  message: z.string(),
});

export const AuditVerifyResult = z.object({
  ok: z.boolean(),
  rows_checked: z.number().int(),
  head_seq: z.number().int(),
  problems: z.array(AuditProblem),
});
export type AuditVerifyResult = z.infer<typeof AuditVerifyResult>;
