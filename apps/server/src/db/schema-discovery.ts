/** The table of discovered components (migration 0008). */
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json = ColumnType<unknown, string, string>;

export interface DiscoveryCandidatesTable {
  id: string;
  project_id: string;
  agent_id: string;
  kind: string;
  name: string;
  address: string | null;
  /** The address when given, else the name: with agent and kind, what makes a component the same one. */
  dedupe_key: string;
  attributes: Json;
  status: Generated<'pending' | 'accepted' | 'rejected'>;
  first_seen_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  decided_by: string | null;
  decided_at: Timestamp | null;
  reason: string | null;
}
