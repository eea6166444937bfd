import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

export interface AuditRowContent {
  project_id: string;
  seq: string;
  at: string;
  actor_type: string;
  actor_id: string | null;
  via: string;
  request_id: string | null;
  ip: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: string;
  before: unknown;
  after: unknown;
  prev_hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** hash = sha256(prev_hash ‖ canonical row); any change to a row or its place in the chain shows. */
export function auditRowHash(row: AuditRowContent): string {
  return createHash('sha256').update(row.prev_hash).update('\n').update(canonicalJson(row)).digest('hex');
}
