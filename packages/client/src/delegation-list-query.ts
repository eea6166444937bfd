import type { DelegationTier } from '@xem/protocol';

/** Filters of `GET …/project/delegations`; `cursor` is the `next_cursor` of the previous page. */
export interface DelegationListQuery {
  limit?: number | undefined;
  cursor?: string | undefined;
  user_id?: string | undefined;
  tier?: DelegationTier | undefined;
  /** true: live delegations only; false: revoked, expired or orphaned ones only. */
  active?: boolean | undefined;
}
