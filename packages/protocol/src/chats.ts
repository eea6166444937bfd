import { z } from 'zod';
import { Timestamp } from './common';
import { Risk } from './fleet';
import { TemplateApprovalPolicy } from './templates';
import { ToolName } from './tools';

/**
 * Chats (docs/chats-and-mcp.md): a conversation in a workspace, blank or pinned to one version of
 * a template. Messages are stored; with a model configured (`XEM_MODEL_URL`) a user message runs a
 * turn: the model answers or calls tools, each call an execution (source `chat`) gated by the
 * template's policy on top of the workspace's. Without a model operators run tools from the chat.
 */

export const MAX_CHAT_MESSAGE_CHARS = 32_000;

/** Where a chat's turn is: nothing running, the model or a tool is working, or a tool waits for a human. */
export const ChatTurnStatus = z.enum(['idle', 'running', 'waiting_approval']);
export type ChatTurnStatus = z.infer<typeof ChatTurnStatus>;

export const ChatTemplateRef = z.object({
  id: z.string(),
  name: z.string(),
  /** The pinned version: later edits of the template do not change this chat. */
  version: z.number().int(),
});

export const Chat = z.object({
  id: z.string(),
  workspace_id: z.string(),
  title: z.string(),
  template: ChatTemplateRef.nullable(),
  system_prompt: z.string(),
  /** The tools this chat may call; null: every tool of the workspace (a blank chat). */
  allowed_tools: z.array(z.string()).nullable(),
  approval_policy: TemplateApprovalPolicy,
  created_by: z.object({ user_id: z.string().nullable(), key_id: z.string().nullable() }),
  turn_status: ChatTurnStatus,
  /** Whether a model answers this chat's messages (the server has `XEM_MODEL_URL`). */
  model: z.string().nullable(),
  message_count: z.number().int(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type Chat = z.infer<typeof Chat>;

export const ChatRole = z.enum(['user', 'assistant', 'tool', 'error']);
export type ChatRole = z.infer<typeof ChatRole>;

/** One tool call of an assistant (model or operator) message. */
export const ChatToolCall = z.object({
  id: z.string(),
  name: z.string(),
  arguments: z.record(z.string(), z.unknown()),
  /** The execution it became; null when it was refused before one was created (see the tool message). */
  execution_id: z.string().nullable(),
});
export type ChatToolCall = z.infer<typeof ChatToolCall>;

/**
 * `user`: a person's message; `assistant`: the model's answer or tool calls (an operator's tool
 * run is an assistant message with `author` set); `tool`: the result of one call (`tool_call_id`);
 * `error`: a turn that failed (model unreachable, too many steps) — never sent to the model.
 */
export const ChatMessage = z.object({
  id: z.string(),
  chat_id: z.string(),
  seq: z.number().int(),
  role: ChatRole,
  content: z.string().nullable(),
  tool_calls: z.array(ChatToolCall),
  tool_call_id: z.string().nullable(),
  execution_id: z.string().nullable(),
  /** The person who wrote it or ran the tool; null for the model's own messages and results. */
  author: z.object({ user_id: z.string().nullable(), key_id: z.string().nullable() }).nullable(),
  created_at: Timestamp,
});
export type ChatMessage = z.infer<typeof ChatMessage>;

export const ListChatsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
  /** Workspace id or name. */
  workspace: z.string().min(1).max(64).optional(),
});
export type ListChatsQuery = z.infer<typeof ListChatsQuery>;

export const ListChatMessagesQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(200),
  /** Messages with a greater `seq` (the cursor of the next page is the last seq as a string). */
  cursor: z
    .string()
    .regex(/^\d{1,9}$/, 'a message seq')
    .optional(),
});
export type ListChatMessagesQuery = z.infer<typeof ListChatMessagesQuery>;

const Title = z.string().trim().min(1).max(200);
const Content = z.string().trim().min(1).max(MAX_CHAT_MESSAGE_CHARS);

/** `POST /:project_id/v1/chats`: blank, or from a template (pinned to its current version). */
export const CreateChatRequest = z.strictObject({
  /** Workspace id or name. */
  workspace: z.string().min(1).max(64),
  title: Title.optional(),
  /** Template id or name, usable in the workspace. */
  template: z.string().min(1).max(64).optional(),
  /** A first user message (starts a turn when a model is configured). */
  message: Content.optional(),
});
export type CreateChatRequest = z.infer<typeof CreateChatRequest>;

/** `POST /:project_id/v1/workspaces/:id/chat-templates/:tid/apply`. */
export const ApplyTemplateRequest = z.strictObject({
  title: Title.optional(),
  message: Content.optional(),
});
export type ApplyTemplateRequest = z.infer<typeof ApplyTemplateRequest>;

/** `POST /:project_id/v1/chats/:id/messages`. Add `Accept: text/event-stream` to stream the turn. */
export const PostChatMessageRequest = z.strictObject({ content: Content });
export type PostChatMessageRequest = z.infer<typeof PostChatMessageRequest>;

/** `POST /:project_id/v1/chats/:id/tool-calls`: an operator runs an allowed tool from the chat. */
export const ChatToolCallRequest = z.strictObject({
  tool: ToolName,
  args: z.record(z.string(), z.unknown()).default({}),
});
export type ChatToolCallRequest = z.infer<typeof ChatToolCallRequest>;

/** `POST /:project_id/v1/chats/:id/answer`: the answer to an `x_ask_user.question`. */
export const ChatAnswerRequest = z.strictObject({
  approval_id: z.string().min(1).max(64),
  decision: z.enum(['approve', 'reject']),
  /** With approve: stored and shown with the decision. */
  note: z.string().max(2000).optional(),
  /** With approve of an irreversible tool: the tool name, exactly. */
  confirm: z.string().max(200).optional(),
  /** With reject. */
  reason: z.string().max(2000).optional(),
});
export type ChatAnswerRequest = z.infer<typeof ChatAnswerRequest>;

/** Answer of posting a message or running a tool: what was stored and where the turn is. */
export const ChatTurnAccepted = z.object({
  chat: Chat,
  message: ChatMessage,
});
export type ChatTurnAccepted = z.infer<typeof ChatTurnAccepted>;

/** Payload of the `x_ask_user.question` frame: a tool call of the chat waits for an approval. */
export const ChatQuestion = z.object({
  type: z.literal('x_ask_user.question'),
  chat_id: z.string(),
  approval_id: z.string(),
  execution_id: z.string(),
  tool_call_id: z.string().nullable(),
  tool: z.string(),
  args: z.record(z.string(), z.unknown()),
  risk: Risk,
  question: z.string(),
  options: z.array(z.enum(['approve', 'reject'])),
  /** For irreversible tools: the answer must carry `confirm` equal to the tool name. */
  confirm_required: z.boolean(),
  expires_at: Timestamp.nullable(),
});
export type ChatQuestion = z.infer<typeof ChatQuestion>;

/** Frames of the chat streams (`GET …/chats/:id/stream`, and a streamed `POST …/messages`). */
export const CHAT_FRAME_NAMES = [
  'chat.connection.connected',
  'chat.connection.heartbeat',
  'chat.connection.closing',
  'chat.connection.resync',
  'chat.message',
  'chat.turn',
  'x_ask_user.question',
] as const;

/** Payload of `chat.message`: a message was stored. */
export const ChatMessageFrame = z.object({
  type: z.literal('chat.message'),
  chat_id: z.string(),
  message: ChatMessage,
});
export type ChatMessageFrame = z.infer<typeof ChatMessageFrame>;

/**
 * Payload of `chat.turn`: the turn moved. `idle` ends it (with `error` when it failed, e.g. the
 * model could not be reached); a streamed `POST …/messages` ends after `idle` or `waiting_approval`
 * with `data: [DONE]`.
 */
export const ChatTurnFrame = z.object({
  type: z.literal('chat.turn'),
  chat_id: z.string(),
  turn_status: ChatTurnStatus,
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type ChatTurnFrame = z.infer<typeof ChatTurnFrame>;
