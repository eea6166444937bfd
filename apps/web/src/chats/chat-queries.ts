import { useQuery } from '@tanstack/react-query';
import type { Chat, ChatMessage, Execution } from '@xem/protocol';
import { api } from '../ops-client';

/*
 * Query keys (refreshed by live/live-events.ts, see chat-live.ts):
 * - ['chats', {workspace}]: a workspace's chats; every ox.chat.* event invalidates ['chats'].
 * - ['chat', id]: one chat (title, turn status…); ox.chat.* of that chat invalidates it.
 * - ['chat-messages', id]: the whole transcript, ascending; ox.chat.message appends to it.
 * - ['executions', {chat: id}]: the executions of its tool calls, under the family every
 *   ox.execution.* / ox.approval.* event invalidates (statuses, pending approvals).
 */

export function chatMessagesKey(chatId: string) {
  return ['chat-messages', chatId] as const;
}

/** A workspace's chats, newest first (the first 200: a list page, not an archive). */
export function useWorkspaceChats(workspaceId: string) {
  return useQuery({
    queryKey: ['chats', { workspace: workspaceId }],
    queryFn: () => api.chats.list({ workspace: workspaceId, limit: 200 }),
  });
}

export function useChat(chatId: string) {
  return useQuery<Chat>({ queryKey: ['chat', chatId], queryFn: () => api.chats.get(chatId) });
}

/** Every message of the chat, page after page (the cursor is the last seq). */
export function useChatMessages(chatId: string) {
  return useQuery<ChatMessage[]>({
    queryKey: chatMessagesKey(chatId),
    queryFn: async () => {
      const all: ChatMessage[] = [];
      let cursor: string | undefined;
      do {
        const page = await api.chats.messages(chatId, { limit: 500, cursor });
        all.push(...page.data);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      return all;
    },
  });
}

/** The executions of the chat's tool calls (500 newest), by id. */
export function useChatExecutions(chatId: string) {
  return useQuery<Map<string, Execution>>({
    queryKey: ['executions', { chat: chatId }],
    queryFn: async () => {
      const page = await api.listExecutions({ chat: chatId, limit: 500 });
      return new Map(page.data.map((e) => [e.id, e]));
    },
  });
}
