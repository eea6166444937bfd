import type { Kysely } from 'kysely';
import type { ChatToolCall } from '@xem/protocol';
import type { Database } from '../db/schema';
import { appendEvent } from '../events/append-event';
import { toExecution } from '../executions/execution-view';
import { chatQuestion } from './chat-question';
import type { ChatRow } from './chat-view';

/**
 * Puts an `x_ask_user.question` in the chat for each call whose execution waits for an
 * approval (after the message carrying the calls, so the stream reads in order).
 */
export async function announceQuestion(
  db: Kysely<Database>,
  chat: ChatRow,
  calls: ChatToolCall[],
): Promise<void> {
  const ids = calls.map((c) => c.execution_id).filter((id): id is string => id !== null);
  if (ids.length === 0) return;
  const rows = await db
    .selectFrom('executions')
    .selectAll()
    .where('id', 'in', ids)
    .where('status', '=', 'pending_approval')
    .execute();
  for (const row of rows) {
    const question = await chatQuestion(db, chat.project_id, toExecution(row), row.chat_tool_call_id);
    await db
      .transaction()
      .execute((trx) =>
        appendEvent(trx, chat.project_id, 'chat.question', { ...question, workspace_id: chat.workspace_id }),
      );
  }
}
