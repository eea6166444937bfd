import type { Chat } from '@xem/protocol';
import type { CellValue, Column } from '../../output';

/** `triage@2 (tpl_…)`: the template and the version the chat is pinned to. */
export function formatTemplateRef(c: Chat): string | null {
  return c.template ? `${c.template.name}@${c.template.version} (${c.template.id})` : null;
}

/** `chat list` columns. */
export const CHAT_COLUMNS: Column<Chat>[] = [
  { header: 'ID', value: (c) => c.id },
  { header: 'TITLE', value: (c) => c.title },
  { header: 'WORKSPACE', value: (c) => c.workspace_id },
  { header: 'TEMPLATE', value: (c) => (c.template ? `${c.template.name}@${c.template.version}` : null) },
  { header: 'TURN', value: (c) => c.turn_status },
  { header: 'MODEL', value: (c) => c.model },
  { header: 'MESSAGES', value: (c) => c.message_count },
  { header: 'UPDATED', value: (c) => c.updated_at, time: true },
];

/** One chat as fields (`chat show`, `chat new`, `templates apply`); the prompt last (it is long). */
export function chatFields(c: Chat): Array<[string, CellValue]> {
  return [
    ['ID', c.id],
    ['TITLE', c.title],
    ['WORKSPACE', c.workspace_id],
    ['TEMPLATE', formatTemplateRef(c)],
    ['MODEL', c.model],
    ['TURN', c.turn_status],
    ['MESSAGES', c.message_count],
    // null: every tool of the workspace (a blank chat).
    ['ALLOWED_TOOLS', c.allowed_tools ?? 'all tools of the workspace'],
    ['APPROVAL_POLICY', c.approval_policy],
    ['CREATED_BY', c.created_by.user_id ?? c.created_by.key_id],
    ['CREATED', c.created_at],
    ['UPDATED', c.updated_at],
    ['SYSTEM_PROMPT', c.system_prompt],
  ];
}
