import type { Kysely } from 'kysely';
import type {
  Chat,
  ChatMessage,
  ChatTurnAccepted,
  CreateChatRequest,
  ListChatMessagesQuery,
  ListChatsQuery,
} from '@xem/protocol';
import { appendAudit } from '../audit/append-audit';
import type { Database } from '../db/schema';
import { appendEvent } from '../events/append-event';
import { findWorkspace } from '../executions/find-workspace';
import { decodeCursor, keysetAfter, microsText, pageOf } from '../http/keyset-cursor';
import { newId, randomToken } from '../ids';
import { announceQuestion } from './announce-question';
import { appendMessage } from './append-message';
import { chatTemplateFor } from './chat-template-for';
import type { ChatRunner } from './chat-runner';
import { toChat, toChatMessage } from './chat-view';
import { findChat } from './find-chat';
import { startChatToolCall, type ChatCaller } from './start-chat-tool-call';
import { chatAllows } from './chat-tools';
import { AppError } from '../http/app-error';

export interface ChatsDeps {
  db: Kysely<Database>;
  runner: ChatRunner;
  /** The configured model's name; null without one. */
  model: string | null;
}

/** Chats of the project, newest first, optionally of one workspace. */
export async function listChats(
  deps: ChatsDeps,
  projectId: string,
  q: ListChatsQuery,
): Promise<{ data: Chat[]; next_cursor: string | null }> {
  const ws = q.workspace === undefined ? null : await findWorkspace(deps.db, projectId, q.workspace);
  const after = q.cursor === undefined ? null : decodeCursor(q.cursor, 'time_id');
  const rows = await deps.db
    .selectFrom('chats')
    .selectAll()
    .select(microsText('created_at').as('created_us'))
    .where('project_id', '=', projectId)
    .$if(ws !== null, (b) => b.where('workspace_id', '=', ws!.id))
    .$if(after !== null, (b) => b.where(keysetAfter(['created_at', 'id'], after!, 'time_id', 'desc')))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const page = pageOf(rows, q.limit, (r) => [r.created_us, r.id]);
  return { data: page.rows.map((r) => toChat(r, deps.model)), next_cursor: page.next_cursor };
}

export async function getChat(deps: ChatsDeps, projectId: string, chatId: string): Promise<Chat> {
  return toChat(await findChat(deps.db, projectId, chatId), deps.model);
}

/** The transcript in order, one page after the cursor (a seq). */
export async function listChatMessages(
  deps: ChatsDeps,
  projectId: string,
  chatId: string,
  q: ListChatMessagesQuery,
): Promise<{ data: ChatMessage[]; next_cursor: string | null }> {
  await findChat(deps.db, projectId, chatId);
  const rows = await deps.db
    .selectFrom('chat_messages')
    .selectAll()
    .where('chat_id', '=', chatId)
    .$if(q.cursor !== undefined, (b) => b.where('seq', '>', Number(q.cursor)))
    .orderBy('seq')
    .limit(q.limit + 1)
    .execute();
  const page = rows.slice(0, q.limit);
  return {
    data: page.map(toChatMessage),
    next_cursor: rows.length > q.limit ? String(page.at(-1)!.seq) : null,
  };
}

/**
 * Opens a chat in a workspace, blank or from a template usable there (pinned to its current
 * version: prompt, tools and policy are copied from that immutable version). A first message is
 * stored and, with a model, starts the turn.
 */
export async function createChat(
  deps: ChatsDeps,
  caller: ChatCaller,
  projectId: string,
  input: CreateChatRequest,
): Promise<Chat> {
  const ws = await findWorkspace(deps.db, projectId, input.workspace);
  const version =
    input.template === undefined ? null : await chatTemplateFor(deps.db, projectId, ws, input.template);
  const title = input.title ?? version?.name ?? firstLine(input.message) ?? 'Chat';
  const id = newId('chat');
  await deps.db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('chats')
      .values({
        id,
        project_id: projectId,
        workspace_id: ws.id,
        title,
        template_id: version?.template_id ?? null,
        template_version: version?.version ?? null,
        template_name: version?.name ?? null,
        system_prompt: version?.system_prompt ?? '',
        allowed_tools: version?.allowed_tools ?? null,
        approval_policy: version?.approval_policy ?? 'standard',
        created_by_user: caller.userId,
        created_by_key: caller.keyId,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const chat = toChat(row, deps.model);
    await appendEvent(trx, projectId, 'chat.created', chat);
    await appendAudit(trx, projectId, caller.ctx, {
      action: 'chat.create',
      targetType: 'chat',
      targetId: id,
      before: null,
      after: {
        workspace_id: ws.id,
        template_id: chat.template?.id ?? null,
        template_version: chat.template?.version ?? null,
      },
    });
    if (input.message !== undefined) await storeUserMessage(deps, trx, row, input.message, caller);
  });
  if (input.message !== undefined && deps.model !== null) deps.runner.kick(id);
  return getChat(deps, projectId, id);
}

/**
 * Stores a user message; with a model it claims the chat's turn in the same transaction, so a
 * message sent while a turn runs is refused (409) and not stored.
 */
export async function postChatMessage(
  deps: ChatsDeps,
  caller: ChatCaller,
  projectId: string,
  chatId: string,
  content: string,
): Promise<ChatTurnAccepted> {
  const message = await deps.db.transaction().execute(async (trx) => {
    const chat = await findChat(trx, projectId, chatId);
    return storeUserMessage(deps, trx, chat, content, caller);
  });
  if (deps.model !== null) deps.runner.kick(chatId);
  return { chat: await getChat(deps, projectId, chatId), message };
}

async function storeUserMessage(
  deps: ChatsDeps,
  trx: Kysely<Database>,
  chat: Parameters<ChatRunner['claimTurn']>[1],
  content: string,
  caller: ChatCaller,
): Promise<ChatMessage> {
  if (deps.model !== null) {
    await deps.runner.claimTurn(trx, chat, { model: true, userId: caller.userId, keyId: caller.keyId });
  }
  return appendMessage(trx, chat.project_id, chat.id, {
    role: 'user',
    content,
    authorUser: caller.userId,
    authorKey: caller.keyId,
  });
}

/**
 * An operator runs an allowed tool from the chat: the chat's turn is claimed, the execution
 * started (same rules as a model's call), the call stored as an assistant message carrying the
 * operator as author; its result arrives as a `tool` message once it settles.
 */
export async function runChatTool(
  deps: ChatsDeps,
  caller: ChatCaller,
  projectId: string,
  chatId: string,
  call: { tool: string; args: Record<string, unknown> },
): Promise<ChatTurnAccepted> {
  const chat = await findChat(deps.db, projectId, chatId);
  if (!chatAllows(chat, call.tool)) {
    throw new AppError(
      'chat_tool_not_allowed',
      `tool ${call.tool} is not among this chat's allowed tools (${chat.allowed_tools!.join(', ') || 'none'})`,
      { param: 'tool' },
    );
  }
  await deps.db
    .transaction()
    .execute((trx) =>
      deps.runner.claimTurn(trx, chat, { model: false, userId: caller.userId, keyId: caller.keyId }),
    );
  const id = `call_${randomToken(12)}`;
  let executionId: string;
  try {
    const exe = await startChatToolCall(
      deps.db,
      deps.runner.settings,
      chat,
      { id, name: call.tool, args: call.args },
      caller,
    );
    executionId = exe.id;
  } catch (err) {
    await deps.runner.finish(chat, null);
    throw err;
  }
  const toolCalls = [{ id, name: call.tool, arguments: call.args, execution_id: executionId }];
  const message = await deps.db.transaction().execute((trx) =>
    appendMessage(trx, projectId, chatId, {
      role: 'assistant',
      content: null,
      toolCalls,
      executionId,
      authorUser: caller.userId,
      authorKey: caller.keyId,
    }),
  );
  await announceQuestion(deps.db, chat, toolCalls);
  deps.runner.kick(chatId);
  return { chat: await getChat(deps, projectId, chatId), message };
}

/** Deletes the chat and its transcript; its executions stay (unlinked) in the history. */
export async function deleteChat(
  deps: ChatsDeps,
  caller: ChatCaller,
  projectId: string,
  chatId: string,
): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const chat = await findChat(trx, projectId, chatId);
    await trx.deleteFrom('chats').where('id', '=', chat.id).execute();
    await appendEvent(trx, projectId, 'chat.deleted', { id: chat.id, workspace_id: chat.workspace_id });
    await appendAudit(trx, projectId, caller.ctx, {
      action: 'chat.delete',
      targetType: 'chat',
      targetId: chat.id,
      before: { workspace_id: chat.workspace_id, title: chat.title, message_count: chat.message_count },
      after: null,
    });
  });
}

function firstLine(text: string | undefined): string | undefined {
  const line = text?.split('\n')[0]?.trim();
  if (!line) return undefined;
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}
