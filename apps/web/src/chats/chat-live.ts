import type { QueryClient, QueryKey } from '@tanstack/react-query';
import { ChatMessage, ChatTurnStatus, type Chat } from '@xem/protocol';
import { chatMessagesKey } from './chat-queries';

/** The chat an `ox.chat.*` payload is about (`chat_id`, or `id` for a created/deleted chat row). */
function chatIdOf(data: Record<string, unknown>): string | null {
  if (typeof data.chat_id === 'string') return data.chat_id;
  return typeof data.id === 'string' ? data.id : null;
}

/** Queries an `ox.chat.*` event makes stale (coalesced by live-events.ts). */
export function chatKeys(name: string, data: Record<string, unknown>): QueryKey[] {
  const id = chatIdOf(data);
  const keys: QueryKey[] = [['chats']];
  if (id) keys.push(['chat', id]);
  // A question stands for a new approval of one of the chat's executions.
  if (id && name === 'ox.chat.question') keys.push(['executions', { chat: id }]);
  if (id && name === 'ox.chat.deleted') keys.push(chatMessagesKey(id));
  return keys;
}

/**
 * What an `ox.chat.*` event can write into the cache at once, before the refetches it causes:
 * a new message is appended to the transcript (a gap in `seq` refetches it instead), a turn's
 * status is set on the chat.
 */
export function applyChatEvent(qc: QueryClient, name: string, data: Record<string, unknown>): void {
  const id = chatIdOf(data);
  if (!id) return;
  if (name === 'ox.chat.message') {
    const parsed = ChatMessage.safeParse(data.message);
    if (parsed.success) appendChatMessage(qc, parsed.data);
    else void qc.invalidateQueries({ queryKey: chatMessagesKey(id) });
  } else if (name === 'ox.chat.turn') {
    const status = ChatTurnStatus.safeParse(data.turn_status);
    if (status.success)
      qc.setQueryData<Chat>(['chat', id], (c) => (c ? { ...c, turn_status: status.data } : c));
  }
}

/**
 * Puts a message into its chat's cached transcript (from the stream, or from the answer of a
 * send): once, in order; a gap in `seq` refetches the transcript instead of guessing.
 */
export function appendChatMessage(qc: QueryClient, m: ChatMessage): void {
  const key = chatMessagesKey(m.chat_id);
  const list = qc.getQueryData<ChatMessage[]>(key);
  // Not loaded yet, or loading: a fetch in flight may have started before this message.
  if (!list) {
    if (qc.getQueryState(key)) void qc.invalidateQueries({ queryKey: key });
    return;
  }
  if (list.some((x) => x.id === m.id)) return;
  const last = list.at(-1)?.seq ?? 0;
  if (list.length > 0 && m.seq !== last + 1) void qc.invalidateQueries({ queryKey: key });
  else qc.setQueryData<ChatMessage[]>(key, [...list, m]);
}
