import type { Kysely } from 'kysely';
import type { ChatToolCall } from '@xem/protocol';
import type { Database } from '../db/schema';
import { showExecution } from '../executions/show-execution';
import { SETTLED } from '../mcp/await-execution';
import { appendMessage } from './append-message';
import type { ChatRow } from './chat-view';
import { toolRefusalContent, toolResultContent } from './model-transcript';

export interface OpenCalls {
  /** Executions of calls still without a result. */
  unsettled: string[];
  /** Whether one of them waits for an approval. */
  waitingApproval: boolean;
}

/**
 * Gives every tool call of the chat whose execution settled its `tool` message (the result
 * the model reads next), and answers which calls are still running or waiting for a human.
 */
export async function settleOpenCalls(db: Kysely<Database>, chat: ChatRow): Promise<OpenCalls> {
  const rows = await db
    .selectFrom('chat_messages')
    .select(['role', 'tool_calls', 'tool_call_id'])
    .where('chat_id', '=', chat.id)
    .where('role', 'in', ['assistant', 'tool'])
    .orderBy('seq')
    .execute();
  const answered = new Set(rows.filter((r) => r.role === 'tool').map((r) => r.tool_call_id));
  const open = rows
    .filter((r) => r.role === 'assistant')
    .flatMap((r) => (r.tool_calls as ChatToolCall[]) ?? [])
    .filter((c) => !answered.has(c.id));
  const result: OpenCalls = { unsettled: [], waitingApproval: false };
  for (const call of open) {
    if (call.execution_id === null) {
      await db.transaction().execute((trx) =>
        appendMessage(trx, chat.project_id, chat.id, {
          role: 'tool',
          content: toolRefusalContent('not_found', 'the call has no execution'),
          toolCallId: call.id,
        }),
      );
      continue;
    }
    const exe = await db
      .selectFrom('executions')
      .select('status')
      .where('id', '=', call.execution_id)
      .executeTakeFirst();
    if (!exe) {
      await db.transaction().execute((trx) =>
        appendMessage(trx, chat.project_id, chat.id, {
          role: 'tool',
          content: toolRefusalContent('not_found', `execution ${call.execution_id} no longer exists`),
          toolCallId: call.id,
          executionId: null,
        }),
      );
      continue;
    }
    if (!SETTLED.includes(exe.status as (typeof SETTLED)[number])) {
      result.unsettled.push(call.execution_id);
      if (exe.status === 'pending_approval') result.waitingApproval = true;
      continue;
    }
    const detail = await showExecution(db, chat.project_id, call.execution_id);
    await db.transaction().execute((trx) =>
      appendMessage(trx, chat.project_id, chat.id, {
        role: 'tool',
        content: toolResultContent(detail),
        toolCallId: call.id,
        executionId: call.execution_id,
      }),
    );
  }
  return result;
}
