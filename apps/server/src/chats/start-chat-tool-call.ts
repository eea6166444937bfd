import type { Kysely } from 'kysely';
import type { Execution } from '@xem/protocol';
import type { AuditContext } from '../audit/audit-context';
import type { Database } from '../db/schema';
import { createExecution, type CreateExecutionSettings } from '../executions/create-execution';
import { findTool } from '../executions/tool-catalogue';
import { AppError } from '../http/app-error';
import { approvalFloorOf, chatAllows } from './chat-tools';
import type { ChatRow } from './chat-view';

export interface ChatCaller {
  userId: string | null;
  keyId: string | null;
  ctx: AuditContext;
}

/**
 * Starts one tool call of a chat as an execution (source `chat`, linked to the chat and the
 * call) through the API's own path, so the workspace's policy, approvals and separation of
 * duties apply with the chat's driver as requester — and the template's policy on top. A call
 * that waits for an approval is announced to the chat by the caller (announceQuestion) once the
 * message carrying the call is stored. Refusals throw AppError.
 */
export async function startChatToolCall(
  db: Kysely<Database>,
  settings: CreateExecutionSettings,
  chat: ChatRow,
  call: { id: string; name: string; args: Record<string, unknown> },
  caller: ChatCaller,
): Promise<Execution> {
  if (!chatAllows(chat, call.name)) {
    throw new AppError(
      'chat_tool_not_allowed',
      `tool ${call.name} is not among this chat's allowed tools (${chat.allowed_tools!.join(', ') || 'none'})`,
      { param: 'tool' },
    );
  }
  const tool = await findTool(db, chat.project_id, call.name);
  if (!tool || !tool.workspace_ids.includes(chat.workspace_id)) {
    throw new AppError(
      'exec_tool_not_found',
      `no agent bound to this chat's workspace offers tool ${call.name}`,
      { param: 'tool' },
    );
  }
  const execution = await createExecution(db, settings, {
    projectId: chat.project_id,
    body: { workspace: chat.workspace_id, tool: call.name, args: call.args, queue: false },
    idempotencyKey: null,
    source: 'chat',
    userId: caller.userId,
    keyId: caller.keyId,
    ctx: caller.ctx,
    approvalFloor: approvalFloorOf(chat.approval_policy),
    chat: { id: chat.id, toolCallId: call.id },
  });
  return execution;
}
