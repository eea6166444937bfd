/** Tables of chat templates and their immutable versions (migration 0007). */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string, string>;

export interface TemplatesTable {
  id: string;
  project_id: string;
  scope: 'platform' | 'project' | 'workspace';
  workspace_id: string | null;
  name: string;
  current_version: number;
  created_by: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  deleted_at: Timestamp | null;
}

export interface TemplateVersionsTable {
  template_id: string;
  version: number;
  name: string;
  description: string;
  system_prompt: string;
  allowed_tools: string[];
  approval_policy: 'standard' | 'elevated' | 'restricted';
  applicable_workspace_types: string[];
  tags: string[];
  metadata: Json;
  created_by: string | null;
  created_at: Generated<Date>;
}
