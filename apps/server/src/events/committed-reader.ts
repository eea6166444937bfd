import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema';

/** One row of the `events` table as the hub hands it out. Ids are decimal strings (bigint). */
export interface StoredEvent {
  id: string;
  projectId: string | null;
  type: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

/** Longest wait for a transaction holding a lower event id before its id is treated as a hole. */
const MAX_GAP_WAIT_MS = 30_000;

/**
 * Reads the `events` table forward in id order, handing out only a gap-free prefix.
 *
 * Identity values are taken at INSERT time but become visible at COMMIT, so a read can see id
 * 12 while id 11 is still in an open transaction. Delivering 12 and moving on would lose 11
 * for good. So when a read has a gap below its highest id, only the rows before the gap are
 * handed out, and the reader notes the transactions that were in progress in the read's
 * snapshot: only they can still commit an id below what was seen (any later transaction draws
 * a higher id). Once all of them have ended, the ids still missing are permanent holes
 * (rollbacks) and are skipped.
 */
export class CommittedReader {
  /** Highest id handed out; every id at or below it was delivered or is a permanent hole. */
  cursor: bigint;
  private holesThrough = 0n;
  private waiting: { xids: string[]; maxSeen: bigint; since: number } | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    start: bigint,
    private readonly onGapTimeout?: (from: bigint, to: bigint) => void,
  ) {
    this.cursor = start;
  }

  /** True while a gap below the highest id seen waits for open transactions to end. */
  get pending(): boolean {
    return this.waiting !== null;
  }

  /** The current highest event id: a live stream starts after it. */
  static async head(db: Kysely<Database>): Promise<bigint> {
    const r = await sql<{ id: string | null }>`SELECT max(id)::text AS id FROM events`.execute(db);
    return BigInt(r.rows[0]?.id ?? '0');
  }

  /** Reads the next batch (possibly empty) and advances the cursor past it. */
  async next(limit = 1000): Promise<StoredEvent[]> {
    if (this.waiting) await this.checkWaiting();
    // ORDER BY events.id, the bigint: a bare `id` would sort by the text alias, putting "10" before "9".
    const r = await sql<{
      id: string;
      project_id: string | null;
      type: string;
      payload: Record<string, unknown>;
      created_at: Date;
      snap: string;
    }>`SELECT id::text AS id, project_id, type, payload, created_at, pg_current_snapshot()::text AS snap
       FROM events WHERE id > ${this.cursor.toString()}::bigint ORDER BY events.id LIMIT ${limit}`.execute(
      this.db,
    );
    const out: StoredEvent[] = [];
    let expected = this.cursor + 1n;
    for (const row of r.rows) {
      const id = BigInt(row.id);
      if (id > expected && id - 1n > this.holesThrough) {
        // A gap that may still fill: wait for the transactions open at this read to end.
        if (!this.waiting) {
          const last = BigInt(r.rows[r.rows.length - 1]!.id);
          this.waiting = { xids: inProgress(row.snap), maxSeen: last, since: Date.now() };
        }
        break;
      }
      out.push({
        id: row.id,
        projectId: row.project_id,
        type: row.type,
        payload: row.payload,
        createdAt: row.created_at,
      });
      this.cursor = id;
      expected = id + 1n;
    }
    if (this.waiting && this.waiting.xids.length === 0) {
      // Nothing was in flight at the read: the missing ids were rolled back; skip them now.
      this.holesThrough = this.waiting.maxSeen;
      this.waiting = null;
      return out.concat(await this.next(limit));
    }
    return out;
  }

  private async checkWaiting(): Promise<void> {
    const w = this.waiting!;
    let open = 0;
    if (w.xids.length > 0) {
      const r = await sql<{ open: number }>`
        SELECT count(*)::int AS open FROM unnest(${w.xids}::text[]) AS x
        WHERE pg_xact_status(x::xid8) = 'in progress'`.execute(this.db);
      open = r.rows[0]?.open ?? 0;
    }
    if (open === 0) {
      this.holesThrough = w.maxSeen;
      this.waiting = null;
    } else if (Date.now() - w.since > MAX_GAP_WAIT_MS) {
      this.onGapTimeout?.(this.cursor + 1n, w.maxSeen);
      this.holesThrough = w.maxSeen;
      this.waiting = null;
    }
  }
}

/** The in-progress transaction ids of a `pg_snapshot` text (`xmin:xmax:xip,xip,…`). */
function inProgress(snapshot: string): string[] {
  const xip = snapshot.split(':')[2] ?? '';
  return xip === '' ? [] : xip.split(',');
}
