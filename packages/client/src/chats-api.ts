import {
  Approval,
  Chat,
  ChatMessage,
  ChatTurnAccepted,
  listOf,
  type ChatAnswerRequest,
  type ChatToolCallRequest,
  type CreateChatRequest,
} from '@xem/protocol';
import { z } from 'zod';
import type { PageQuery } from './execution-list-query';
import { sendRequest, type RequestSpec, type Transport } from './send-request';
import {
  decodeChatStreamEvent,
  decodeResumableChatEvent,
  type ChatStreamEvent,
} from './sse/chat-stream-event';
import { openEventStream, type EventStream, type EventStreamOptions } from './sse/open-event-stream';
import { postEventStream } from './sse/post-event-stream';

type List<T> = { data: T[]; next_cursor: string | null };

/** Filters of `GET …/chats` (newest first). */
export interface ChatListQuery extends PageQuery {
  /** Workspace id or name. */
  workspace?: string | undefined;
}

/** Options of `ChatsApi.sendStreaming`. */
export interface SendStreamingOptions {
  /** Aborting it stops reading (the turn goes on on the server). */
  signal?: AbortSignal | undefined;
  /** No byte for this long ends the iteration with an error. Default: 2.5 × the server's heartbeat, else 75 s. */
  heartbeatTimeoutMs?: number | undefined;
}

/** Options of `ChatsApi.stream`; URL, auth and decoding come from the client. */
export type ChatStreamOptions = Omit<EventStreamOptions<ChatStreamEvent>, 'url' | 'decode'>;

/**
 * `/:project_id/v1/chats` (`XemClient.chats`; `/ops/api/chats` in session mode): conversations
 * in a workspace, their messages, the tools operators run from them and the answers to the
 * approvals their tool calls wait for.
 */
export class ChatsApi {
  constructor(
    private readonly transport: Transport,
    /** `/:project_id/v1/chats`; throws when the client has no project. */
    private readonly base: () => string,
  ) {}

  /** Newest first. */
  async list(query: ChatListQuery = {}): Promise<List<Chat>> {
    return this.call({ method: 'GET', path: this.base(), query: { ...query }, schema: listOf(Chat) });
  }

  /**
   * A blank chat, or one from a template (pinned to its current version). A `message` is stored
   * as the first user message and starts a turn when the server has a model.
   */
  async create(body: z.input<typeof CreateChatRequest>): Promise<Chat> {
    return this.call({ method: 'POST', path: this.base(), body, schema: Chat });
  }

  async get(chatId: string): Promise<Chat> {
    return this.call({ method: 'GET', path: this.one(chatId), schema: Chat });
  }

  /** 204; the chat's executions stay, no longer linked to it. */
  async delete(chatId: string): Promise<void> {
    await this.call({ method: 'DELETE', path: this.one(chatId), schema: z.undefined() });
  }

  /** One page, ascending by `seq`; `next_cursor` is the last seq of the page. */
  async messages(chatId: string, query: PageQuery = {}): Promise<List<ChatMessage>> {
    const path = this.one(chatId, '/messages');
    return this.call({ method: 'GET', path, query: { ...query }, schema: listOf(ChatMessage) });
  }

  /** Stores a user message; the turn it starts runs on the server (202). 409 `chat_turn_in_progress` while one runs. */
  async send(chatId: string, content: string): Promise<ChatTurnAccepted> {
    const path = this.one(chatId, '/messages');
    return this.call({ method: 'POST', path, body: { content }, schema: ChatTurnAccepted });
  }

  /**
   * Stores a user message and streams the frames of the turn it starts (the stored message, the
   * model's messages and tool calls, tool results, `x_ask_user.question`, `chat.turn`) until the
   * server ends it with `data: [DONE]`: the turn is idle again, or waits for an approval. A
   * refusal (409 `chat_turn_in_progress`, …) is thrown by the first `next()`.
   */
  sendStreaming(
    chatId: string,
    content: string,
    options: SendStreamingOptions = {},
  ): AsyncIterable<ChatStreamEvent> {
    return postEventStream(this.transport, {
      path: this.one(chatId, '/messages'),
      body: { content },
      decode: decodeChatStreamEvent,
      signal: options.signal,
      heartbeatTimeoutMs: options.heartbeatTimeoutMs,
    });
  }

  /**
   * An operator runs a tool of the chat's `allowed_tools` (202): the answer's message is the
   * assistant message with the call and its `execution_id`; the result arrives later as a
   * `tool` message. 403 `chat_tool_not_allowed` for any other tool.
   */
  async runTool(chatId: string, body: z.input<typeof ChatToolCallRequest>): Promise<ChatTurnAccepted> {
    const path = this.one(chatId, '/tool-calls');
    return this.call({ method: 'POST', path, body, schema: ChatTurnAccepted });
  }

  /**
   * Answers an `x_ask_user.question`: approves or rejects the approval, with the rules of the
   * approvals API (`confirm` = the tool name for an irreversible tool, sent exactly as given).
   */
  async answer(chatId: string, body: z.input<typeof ChatAnswerRequest>): Promise<Approval> {
    return this.call({ method: 'POST', path: this.one(chatId, '/answer'), body, schema: Approval });
  }

  /**
   * `GET …/chats/:id/stream`: the chat's frames as they happen, reconnecting and resuming after
   * the last event (Last-Event-ID) on its own until closed; see openEventStream.
   */
  stream(chatId: string, options: ChatStreamOptions = {}): EventStream<ChatStreamEvent> {
    const url = new URL(this.transport.baseUrl.replace(/\/+$/, '') + this.one(chatId, '/stream'));
    const headers: Record<string, string> = { ...options.headers };
    if (this.transport.apiKey) headers.authorization = `Bearer ${this.transport.apiKey}`;
    if (this.transport.userAgent) headers['user-agent'] = this.transport.userAgent;
    return openEventStream({
      ...(this.transport.session ? { credentials: 'same-origin' as const } : {}),
      ...options,
      url,
      headers,
      decode: decodeResumableChatEvent,
    });
  }

  private one(chatId: string, rest = ''): string {
    return `${this.base()}/${encodeURIComponent(chatId)}${rest}`;
  }

  private call<T extends z.ZodType>(spec: RequestSpec<T>): Promise<z.output<T>> {
    return sendRequest(this.transport, spec);
  }
}
