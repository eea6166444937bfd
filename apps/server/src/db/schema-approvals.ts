/** Tables of approvals, policies, delegations, links and the outbox (migration 0006). */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string | null, string | null>;

export interface ApprovalPolicyVersionsTable {
  workspace_id: string;
  version: number;
  project_id: string;
  levels: Json;
  created_by: string | null;
  created_at: Generated<Date>;
}

export interface ApprovalsTable {
  id: string;
  project_id: string;
  execution_id: string;
  workspace_id: string;
  tool: string;
  risk: string;
  status: Generated<string>;
  policy_version: number;
  policy: Json;
  action_hash: string;
  stage_index: Generated<number>;
  stage_deadline_at: Timestamp;
  requested_by_user: string | null;
  requested_by_key: string | null;
  created_at: Generated<Date>;
  decided_at: Timestamp | null;
  decided_by_user: string | null;
  decided_by_email: string | null;
  decided_via: string | null;
  note: string | null;
  reason: string | null;
}

export interface ApprovalVotesTable {
  approval_id: string;
  stage_index: number;
  voter: string;
  decision: string;
  user_id: string | null;
  email: string | null;
  via: string;
  note: string | null;
  reason: string | null;
  at: Generated<Date>;
}

export interface DelegationsTable {
  id: string;
  project_id: string;
  user_id: string;
  tier: string;
  expires_at: Timestamp | null;
  granted_by: string | null;
  created_at: Generated<Date>;
  revoked_at: Timestamp | null;
  revoked_by: string | null;
}

export interface ApprovalLinksTable {
  jti: string;
  approval_id: string;
  stage_index: number;
  email: string;
  expires_at: Timestamp;
  created_at: Generated<Date>;
  used_at: Timestamp | null;
}

export interface OutboxMessagesTable {
  id: string;
  project_id: string | null;
  kind: string;
  to_address: string;
  subject: string;
  body: string;
  status: Generated<string>;
  attempts: Generated<number>;
  next_attempt_at: Generated<Date>;
  last_error: string | null;
  created_at: Generated<Date>;
  sent_at: Timestamp | null;
}
