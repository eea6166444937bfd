/** Tables of chats and their messages (migration 0009). */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string | undefined, string>;

export interface ChatsTable {
  id: string;
  project_id: string;
  workspace_id: string;
  title: string;
  template_id: string | null;
  template_version: number | null;
  template_name: string | null;
  system_prompt: string;
  allowed_tools: string[] | null;
  approval_policy: 'standard' | 'elevated' | 'restricted';
  created_by_user: string | null;
  created_by_key: string | null;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
  message_count: Generated<number>;
  turn_status: Generated<'idle' | 'running' | 'waiting_approval'>;
  turn_model: Generated<boolean>;
  turn_user: string | null;
  turn_key: string | null;
  turn_owner: string | null;
  turn_lease_until: Timestamp | null;
}

export interface ChatMessagesTable {
  id: string;
  chat_id: string;
  seq: number;
  role: 'user' | 'assistant' | 'tool' | 'error';
  content: string | null;
  tool_calls: Json;
  tool_call_id: string | null;
  execution_id: string | null;
  author_user: string | null;
  author_key: string | null;
  created_at: Generated<Date>;
}
