import { sql, type Kysely } from 'kysely';
import type { ChatMessage, ChatToolCall } from '@xem/protocol';
import type { Database } from '../db/schema';
import { appendEvent } from '../events/append-event';
import { newId } from '../ids';
import { toChatMessage } from './chat-view';

export interface NewMessage {
  role: ChatMessage['role'];
  content: string | null;
  toolCalls?: ChatToolCall[];
  toolCallId?: string | null;
  executionId?: string | null;
  authorUser?: string | null;
  authorKey?: string | null;
}

/**
 * Stores the chat's next message in the caller's transaction: the chat row's counter gives its
 * seq (the UPDATE's row lock orders concurrent writers), and `chat.message` announces it.
 */
export async function appendMessage(
  trx: Kysely<Database>,
  projectId: string,
  chatId: string,
  m: NewMessage,
): Promise<ChatMessage> {
  const chat = await trx
    .updateTable('chats')
    .set({ message_count: sql`message_count + 1`, updated_at: sql`now()` })
    .where('id', '=', chatId)
    .returning(['message_count', 'workspace_id'])
    .executeTakeFirstOrThrow();
  const row = await trx
    .insertInto('chat_messages')
    .values({
      id: newId('msg'),
      chat_id: chatId,
      seq: chat.message_count,
      role: m.role,
      content: m.content,
      tool_calls: JSON.stringify(m.toolCalls ?? []),
      tool_call_id: m.toolCallId ?? null,
      execution_id: m.executionId ?? null,
      author_user: m.authorUser ?? null,
      author_key: m.authorKey ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const message = toChatMessage(row);
  await appendEvent(trx, projectId, 'chat.message', {
    chat_id: chatId,
    workspace_id: chat.workspace_id,
    message,
  });
  return message;
}
