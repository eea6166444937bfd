import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Execution } from '@xem/protocol';
import { EVENTS_CHANNEL } from '../../apps/server/src/events/append-event';

const now = (): number => performance.timeOrigin + performance.now();

/**
 * Writes benchmark events the way the server does (apps/server/src/events/append-event.ts): one
 * transaction inserts an `execution.completed` row and sends `pg_notify` with its id. Its own
 * connection to the server's database, so the server learns of the event only through the
 * notification or its poll — exactly like an event committed by another replica.
 */
export class EventCommitter {
  private constructor(
    private readonly client: pg.Client,
    private readonly projectId: string,
  ) {}

  static async connect(databaseUrl: string, projectId: string): Promise<EventCommitter> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    return new EventCommitter(client, projectId);
  }

  /**
   * Commits one event per gap, sleeping each gap (ms) before its commit. Returns, in order, each
   * event's id and commit time: when COMMIT returned, i.e. once the event was durable and visible
   * (a notification is delivered at commit, so the receiver may see it up to one loopback hop
   * earlier than this).
   */
  async commitSpaced(gapsMs: number[]): Promise<{ id: string; committedAt: number }[]> {
    const out: { id: string; committedAt: number }[] = [];
    for (const gap of gapsMs) {
      await sleep(gap);
      out.push(await this.commitOne(out.length));
    }
    return out;
  }

  async close(): Promise<void> {
    await this.client.end();
  }

  private async commitOne(seq: number): Promise<{ id: string; committedAt: number }> {
    const c = this.client;
    await c.query('BEGIN');
    try {
      const r = await c.query<{ id: string }>(
        `INSERT INTO events (project_id, type, payload) VALUES ($1, 'execution.completed', $2)
         RETURNING id::text AS id`,
        [this.projectId, JSON.stringify(executionPayload(seq))],
      );
      const id = r.rows[0]!.id;
      await c.query('SELECT pg_notify($1, $2)', [EVENTS_CHANNEL, id]);
      await c.query('COMMIT');
      return { id, committedAt: now() };
    } catch (err) {
      await c.query('ROLLBACK').catch(() => {});
      throw err;
    }
  }
}

/** A completed execution shaped like the real one, so frames have a realistic size (~600 bytes). */
function executionPayload(seq: number): Execution {
  const at = new Date().toISOString();
  return {
    id: `exe_bench${seq.toString().padStart(8, '0')}`,
    workspace_id: 'wsp_bench',
    tool: 'system_info',
    args: { detail: 'full', target: `node-${seq % 16}` },
    risk: 'read',
    idempotent: true,
    source: 'api',
    status: 'completed',
    attempt: 1,
    max_attempts: 3,
    agent_id: 'agt_bench',
    exit_code: 0,
    error: null,
    timeout_ms: 60_000,
    created_by: { user_id: 'usr_bench', key_id: 'key_bench' },
    approval_id: null,
    chat_id: null,
    created_at: at,
    dispatched_at: at,
    finished_at: at,
    duration_ms: 42,
  };
}
