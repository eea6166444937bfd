import type { ColumnType, Generated } from 'kysely';

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
  audit_log: AuditLogTable;
  audit_heads: AuditHeadsTable;
  schema_migrations: SchemaMigrationsTable;
}
