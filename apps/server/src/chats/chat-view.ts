import type { Selectable } from 'kysely';
import type { Chat, ChatMessage, ChatToolCall } from '@xem/protocol';
import type { ChatMessagesTable, ChatsTable } from '../db/schema';

export type ChatRow = Selectable<ChatsTable>;
export type ChatMessageRow = Selectable<ChatMessagesTable>;

/** The API shape of a chat; `model` is the configured model's name (null: none configured). */
export function toChat(r: ChatRow, model: string | null): Chat {
  return {
    id: r.id,
    workspace_id: r.workspace_id,
    title: r.title,
    template:
      r.template_id === null
        ? null
        : { id: r.template_id, name: r.template_name ?? '', version: r.template_version ?? 0 },
    system_prompt: r.system_prompt,
    allowed_tools: r.allowed_tools,
    approval_policy: r.approval_policy,
    created_by: { user_id: r.created_by_user, key_id: r.created_by_key },
    turn_status: r.turn_status,
    model,
    message_count: r.message_count,
    created_at: r.created_at.toISOString(),
    updated_at: r.updated_at.toISOString(),
  };
}

export function toChatMessage(r: ChatMessageRow): ChatMessage {
  const author =
    r.author_user === null && r.author_key === null ? null : { user_id: r.author_user, key_id: r.author_key };
  return {
    id: r.id,
    chat_id: r.chat_id,
    seq: r.seq,
    role: r.role,
    content: r.content,
    tool_calls: (r.tool_calls as ChatToolCall[] | null) ?? [],
    tool_call_id: r.tool_call_id,
    execution_id: r.execution_id,
    author,
    created_at: r.created_at.toISOString(),
  };
}
