import type { JoinKey } from '@xem/protocol';
import type { Column } from '../../../output';

/** `agents join-keys list` columns. */
export const JOIN_KEY_COLUMNS: Column<JoinKey>[] = [
  { header: 'ID', value: (k) => k.id },
  { header: 'NAME', value: (k) => k.name },
  { header: 'REGION', value: (k) => k.region },
  { header: 'PREFIX', value: (k) => k.prefix },
  { header: 'WORKSPACE', value: (k) => k.workspace_id },
  { header: 'USES', value: (k) => `${k.uses}/${k.max_uses}` },
  { header: 'ACTIVE', value: (k) => k.active },
  { header: 'EXPIRES', value: (k) => k.expires_at, time: true },
];
