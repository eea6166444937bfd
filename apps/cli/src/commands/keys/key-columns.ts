import type { ApiKey } from '@xem/protocol';
import type { Column } from '../../output';

/** The documented `keys list` columns: ID NAME PREFIX SCOPES ACTIVE LAST_USED EXPIRES. */
export const KEY_COLUMNS: Column<ApiKey>[] = [
  { header: 'ID', value: (k) => k.id },
  { header: 'NAME', value: (k) => k.name },
  { header: 'PREFIX', value: (k) => k.prefix },
  { header: 'SCOPES', value: (k) => k.scopes },
  { header: 'ACTIVE', value: (k) => k.active },
  { header: 'LAST_USED', value: (k) => k.last_used_at, time: true },
  { header: 'EXPIRES', value: (k) => k.expires_at, time: true },
];
