import type { Member } from '@xem/protocol';
import type { Column } from '../../../output';

export const MEMBER_COLUMNS: Column<Member>[] = [
  { header: 'USER_ID', value: (m) => m.user_id },
  { header: 'EMAIL', value: (m) => m.email },
  { header: 'NAME', value: (m) => m.name },
  { header: 'ROLE', value: (m) => m.role },
  { header: 'JOINED', value: (m) => m.joined_at, time: true },
];
