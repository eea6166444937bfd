import type { Workspace } from '@xem/protocol';
import type { CellValue, Column } from '../../output';

/** `workspaces list` columns. */
export const WORKSPACE_COLUMNS: Column<Workspace>[] = [
  { header: 'ID', value: (w) => w.id },
  { header: 'NAME', value: (w) => w.name },
  { header: 'TYPE', value: (w) => w.type },
  { header: 'DEFAULT', value: (w) => w.is_default },
  { header: 'PAUSED', value: (w) => w.paused },
  { header: 'AGENTS', value: (w) => w.agent_ids.length },
  { header: 'CREATED', value: (w) => w.created_at, time: true },
];

/** One workspace as fields, for show and for what the changing verbs print. */
export function workspaceFields(w: Workspace): Array<[string, CellValue]> {
  return [
    ['ID', w.id],
    ['NAME', w.name],
    ['TYPE', w.type],
    ['DESCRIPTION', w.description],
    ['DEFAULT', w.is_default],
    ['PAUSED', w.paused],
    ['PAUSE_REASON', w.pause_reason],
    ['PAUSED_AT', w.paused_at],
    ['AGENTS', w.agent_ids],
    ['CREATED', w.created_at],
  ];
}
