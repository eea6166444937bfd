import type { Kysely } from 'kysely';
import type { Risk, TemplateApprovalPolicy, Tool } from '@xem/protocol';
import type { Database } from '../db/schema';
import { listTools } from '../executions/tool-catalogue';
import type { ChatRow } from './chat-view';

/** From which risk a chat's template asks for an approval on top of the workspace's policy. */
export function approvalFloorOf(policy: TemplateApprovalPolicy): Risk | null {
  if (policy === 'elevated') return 'write';
  if (policy === 'restricted') return 'read';
  return null;
}

/** Whether the chat may call the tool: a blank chat any tool, a template's chat its allowed ones. */
export function chatAllows(chat: Pick<ChatRow, 'allowed_tools'>, tool: string): boolean {
  return chat.allowed_tools === null || chat.allowed_tools.includes(tool);
}

/** The tools the chat can call now: offered to its workspace by an agent, and allowed by the chat. */
export async function chatTools(db: Kysely<Database>, chat: ChatRow): Promise<Tool[]> {
  return (await listTools(db, chat.project_id)).filter(
    (t) => t.workspace_ids.includes(chat.workspace_id) && chatAllows(chat, t.name),
  );
}
