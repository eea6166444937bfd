import type { Kysely } from 'kysely';
import type { AuditContext } from '../audit/audit-context';
import type { Database } from '../db/schema';
import type { CreateExecutionSettings } from '../executions/create-execution';

/** Everything one MCP request acts with: who called, where, and the server settings it needs. */
export interface McpContext {
  db: Kysely<Database>;
  settings: CreateExecutionSettings;
  baseUrl: string;
  projectId: string;
  workspace: { id: string; name: string };
  userId: string;
  keyId: string | null;
  ctx: AuditContext;
}
