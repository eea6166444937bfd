import type { ColumnType, Generated } from 'kysely';
import type {
  WebhookDeliveriesTable,
  WebhookDeliveryAttemptsTable,
  WebhookFanoutTable,
  WebhooksTable,
} from './schema-webhooks';
import type {
  ApprovalLinksTable,
  ApprovalPolicyVersionsTable,
  ApprovalsTable,
  ApprovalVotesTable,
  DelegationsTable,
  OutboxMessagesTable,
} from './schema-approvals';
import type { TemplatesTable, TemplateVersionsTable } from './schema-templates';
import type { DiscoveryCandidatesTable } from './schema-discovery';
import type { ChatMessagesTable, ChatsTable } from './schema-chats';

export type * from './schema-webhooks';
export type * from './schema-approvals';
export type * from './schema-templates';
export type * from './schema-discovery';
export type * from './schema-chats';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string | null, string | null>;

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  is_admin: boolean;
  must_change_password: boolean;
  password_changed_at: Timestamp;
  created_at: Timestamp;
}

export interface ProjectsTable {
  id: string;
  slug: string;
  name: string;
  created_at: Timestamp;
}

export interface MembershipsTable {
  project_id: string;
  user_id: string;
  role: 'owner' | 'member';
  created_at: Timestamp;
}

export interface InvitationsTable {
  id: string;
  project_id: string;
  email: string;
  role: 'owner' | 'member';
  token_hash: string;
  invited_by: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  accepted_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string;
  active_project_id: string | null;
  csrf_token: string;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
  ip: string | null;
  user_agent: string | null;
}

export interface LoginThrottlesTable {
  key: string;
  failures: number;
  window_started_at: Timestamp;
  blocked_until: Timestamp | null;
}

export interface ApiKeysTable {
  id: string;
  project_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  scopes: string[];
  created_by: string | null;
  created_at: Timestamp;
  expires_at: Timestamp | null;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
  rotated_to: string | null;
}

export interface EventsTable {
  id: Generated<string>;
  project_id: string | null;
  type: string;
  payload: Json;
  created_at: Generated<Date>;
}

export interface EventRetentionTable {
  singleton: Generated<boolean>;
  pruned_through: Generated<string>;
  pruned_at: Date | null;
}

export interface AuditLogTable {
  project_id: string;
  seq: string;
  at: Timestamp;
  actor_type: string;
  actor_id: string | null;
  via: string;
  request_id: string | null;
  ip: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: string;
  before: Json;
  after: Json;
  prev_hash: string;
  hash: string;
}

export interface AuditHeadsTable {
  project_id: string;
  seq: string;
  hash: string;
}

export interface WorkspacesTable {
  id: string;
  project_id: string;
  name: string;
  type: string;
  description: string;
  is_default: boolean;
  paused_at: Timestamp | null;
  pause_reason: string | null;
  created_at: Timestamp;
}

export interface JoinKeysTable {
  id: string;
  project_id: string;
  workspace_id: string | null;
  name: string;
  region: string;
  prefix: string;
  key_hash: string;
  max_uses: number;
  uses: number;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  created_by: string | null;
  created_at: Timestamp;
}

export interface AgentsTable {
  id: string;
  project_id: string;
  registration_name: string;
  hostname: string;
  version: string;
  region: string;
  description: string;
  public_key: string;
  join_key_id: string | null;
  /** `paused`: holding a lease (not yet swept) with `paused_at` set (see 0003_agent_pause.sql). */
  status: 'online' | 'paused' | 'draining' | 'offline' | 'revoked';
  status_reason: string | null;
  /** An operator's pause of the whole agent; it survives lease loss and reconnects. */
  paused_at: Timestamp | null;
  pause_reason: string | null;
  max_concurrency: number;
  manifest: Json;
  manifest_hash: string | null;
  manifest_version: number;
  connected_to: string | null;
  last_heartbeat_at: Timestamp | null;
  lease_expires_at: Timestamp | null;
  revoked_at: Timestamp | null;
  created_at: Timestamp;
}

export interface AgentCredentialsTable {
  id: string;
  agent_id: string;
  token_hash: string;
  expires_at: Timestamp;
  revoked_at: Timestamp | null;
  created_at: Timestamp;
}

export interface AgentChallengesTable {
  challenge: string;
  agent_id: string;
  expires_at: Timestamp;
}

export interface WorkspaceAgentsTable {
  workspace_id: string;
  agent_id: string;
  paused_at: Timestamp | null;
  pause_reason: string | null;
  created_at: Timestamp;
}

export interface AgentToolsTable {
  agent_id: string;
  name: string;
  description: string;
  risk: 'read' | 'write' | 'destructive' | 'irreversible';
  domain: string;
  timeout_ms: number;
  idempotent: boolean;
  mcp_visible: boolean;
  params: Json;
  bundle: string;
}

export interface ExecutionsTable {
  id: string;
  project_id: string;
  workspace_id: string;
  tool: string;
  args: Json;
  risk: 'read' | 'write' | 'destructive' | 'irreversible';
  idempotent: boolean;
  timeout_ms: number;
  source: string;
  status: string;
  attempt: number;
  max_attempts: number;
  agent_id: string | null;
  exit_code: number | null;
  error: Json;
  created_by_user: string | null;
  created_by_key: string | null;
  idempotency_key: string | null;
  request_hash: string | null;
  cancel_requested_at: Timestamp | null;
  created_at: Timestamp;
  queued_at: Timestamp | null;
  dispatched_at: Timestamp | null;
  deadline_at: Timestamp | null;
  finished_at: Timestamp | null;
  approval_id: string | null;
  chat_id: Generated<string | null>;
  chat_tool_call_id: Generated<string | null>;
}

export interface ExecutionAttemptsTable {
  execution_id: string;
  attempt: number;
  agent_id: string | null;
  status: string;
  exit_code: number | null;
  error: Json;
  stdout: string;
  stderr: string;
  truncated: boolean;
  dispatched_at: Timestamp;
  finished_at: Timestamp | null;
}

export interface ExecutionTransitionsTable {
  id: Generated<string>;
  execution_id: string;
  from_status: string | null;
  to_status: string;
  attempt: number;
  reason: string | null;
  at: Generated<Date>;
}

export interface ExecutionLogsTable {
  id: Generated<string>;
  execution_id: string;
  attempt: number;
  kind: 'stdout' | 'stderr' | 'progress';
  data: string;
  at: Generated<Date>;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: Generated<Date>;
}

export interface Database {
  users: UsersTable;
  projects: ProjectsTable;
  memberships: MembershipsTable;
  invitations: InvitationsTable;
  sessions: SessionsTable;
  login_throttles: LoginThrottlesTable;
  api_keys: ApiKeysTable;
  events: EventsTable;
  event_retention: EventRetentionTable;
  audit_log: AuditLogTable;
  audit_heads: AuditHeadsTable;
  schema_migrations: SchemaMigrationsTable;
  workspaces: WorkspacesTable;
  join_keys: JoinKeysTable;
  agents: AgentsTable;
  agent_credentials: AgentCredentialsTable;
  agent_challenges: AgentChallengesTable;
  workspace_agents: WorkspaceAgentsTable;
  agent_tools: AgentToolsTable;
  executions: ExecutionsTable;
  execution_attempts: ExecutionAttemptsTable;
  execution_transitions: ExecutionTransitionsTable;
  execution_logs: ExecutionLogsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  webhook_delivery_attempts: WebhookDeliveryAttemptsTable;
  webhook_fanout: WebhookFanoutTable;
  approval_policy_versions: ApprovalPolicyVersionsTable;
  approvals: ApprovalsTable;
  approval_votes: ApprovalVotesTable;
  delegations: DelegationsTable;
  approval_links: ApprovalLinksTable;
  outbox_messages: OutboxMessagesTable;
  templates: TemplatesTable;
  template_versions: TemplateVersionsTable;
  discovery_candidates: DiscoveryCandidatesTable;
  chats: ChatsTable;
  chat_messages: ChatMessagesTable;
}
