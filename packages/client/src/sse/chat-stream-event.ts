import {
  ChatMessageFrame,
  ChatQuestion,
  ChatTurnFrame,
  StreamClosing,
  StreamConnected,
  StreamHeartbeat,
  StreamResync,
  type SseEvent,
} from '@xem/protocol';
import { XemApiError } from '../xem-api-error';
import { parseEventData } from './parse-event-data';

/** Frames about the connection itself; they carry no id and do not move the resume position. */
export type ChatConnectionEvent =
  | { event: 'chat.connection.connected'; id: string | null; data: StreamConnected }
  | { event: 'chat.connection.heartbeat'; id: string | null; data: StreamHeartbeat }
  /** The resume id was older than the retention window: read the messages again, the stream goes on. */
  | { event: 'chat.connection.resync'; id: string | null; data: StreamResync }
  | { event: 'chat.connection.closing'; id: string | null; data: StreamClosing };

/**
 * What happens in a chat: a stored message, the turn moving, a tool call waiting for a human.
 * `id` is the event id (null only in a streamed `POST …/messages`, where nothing resumes).
 */
export type ChatFactEvent =
  | { event: 'chat.message'; id: string | null; data: ChatMessageFrame }
  | { event: 'chat.turn'; id: string | null; data: ChatTurnFrame }
  | { event: 'x_ask_user.question'; id: string | null; data: ChatQuestion };

/** The frames of `GET …/chats/:id/stream` and of a streamed `POST …/chats/:id/messages`. */
export type ChatStreamEvent = ChatConnectionEvent | ChatFactEvent;

/** Names this client does not know yet (a newer server) are skipped, not errors. */
export function decodeChatStreamEvent(e: SseEvent): ChatStreamEvent | undefined {
  switch (e.event) {
    case 'chat.message':
      return { event: e.event, id: e.id, data: parseEventData(ChatMessageFrame, e) };
    case 'chat.turn':
      return { event: e.event, id: e.id, data: parseEventData(ChatTurnFrame, e) };
    case 'x_ask_user.question':
      return { event: e.event, id: e.id, data: parseEventData(ChatQuestion, e) };
    case 'chat.connection.connected':
      return { event: e.event, id: e.id, data: parseEventData(StreamConnected, e) };
    case 'chat.connection.heartbeat':
      return { event: e.event, id: e.id, data: parseEventData(StreamHeartbeat, e) };
    case 'chat.connection.resync':
      return { event: e.event, id: e.id, data: parseEventData(StreamResync, e) };
    case 'chat.connection.closing':
      return { event: e.event, id: e.id, data: parseEventData(StreamClosing, e) };
    default:
      return undefined;
  }
}

/**
 * For the resumable `GET …/stream`: a fact without an id could not be resumed after, so it is
 * refused like any answer outside the protocol.
 */
export function decodeResumableChatEvent(e: SseEvent): ChatStreamEvent | undefined {
  const decoded = decodeChatStreamEvent(e);
  if (decoded && !decoded.event.startsWith('chat.connection.') && !decoded.id) {
    throw new XemApiError({
      status: 200,
      code: 'unexpected_response',
      message: `stream event ${e.event} has no id, so the stream could not resume after it`,
    });
  }
  return decoded;
}
