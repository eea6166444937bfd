import type { Delegation } from '@xem/protocol';
import type { Column } from '../../../output';

export const DELEGATION_COLUMNS: Column<Delegation>[] = [
  { header: 'ID', value: (d) => d.id },
  { header: 'USER_ID', value: (d) => d.user_id },
  { header: 'EMAIL', value: (d) => d.email },
  { header: 'TIER', value: (d) => d.tier },
  { header: 'ACTIVE', value: (d) => d.active },
  { header: 'EXPIRES', value: (d) => d.expires_at, time: true },
  { header: 'GRANTED_BY', value: (d) => d.granted_by },
  { header: 'CREATED', value: (d) => d.created_at, time: true },
  { header: 'REVOKED', value: (d) => d.revoked_at, time: true },
];
