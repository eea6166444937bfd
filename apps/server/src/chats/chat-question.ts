import type { Kysely } from 'kysely';
import type { ChatQuestion, Execution } from '@xem/protocol';
import { loadApproval } from '../approvals/approval-view';
import type { Database } from '../db/schema';

/** The `x_ask_user.question` of a chat's execution that waits for an approval. */
export async function chatQuestion(
  db: Kysely<Database>,
  projectId: string,
  execution: Pick<Execution, 'id' | 'tool' | 'args' | 'risk' | 'approval_id' | 'chat_id'>,
  toolCallId: string | null,
): Promise<ChatQuestion> {
  const approval = execution.approval_id ? await loadApproval(db, projectId, execution.approval_id) : null;
  const args = JSON.stringify(execution.args);
  return {
    type: 'x_ask_user.question',
    chat_id: execution.chat_id!,
    approval_id: execution.approval_id!,
    execution_id: execution.id,
    tool_call_id: toolCallId,
    tool: execution.tool,
    args: execution.args,
    risk: execution.risk,
    question:
      `Run ${execution.tool} (risk ${execution.risk}) with ${args.length > 500 ? `${args.slice(0, 500)}…` : args}? ` +
      (execution.risk === 'irreversible' ? `Type ${execution.tool} to confirm.` : 'Approve or reject.'),
    options: ['approve', 'reject'],
    confirm_required: execution.risk === 'irreversible',
    expires_at: approval?.stage_deadline_at ?? null,
  };
}
