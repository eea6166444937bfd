import { sql, type Kysely } from 'kysely';
import type { StreamCloseReason } from '@xem/protocol';
import type { Config } from '../config';
import type { Database } from '../db/schema';
import { AppError } from '../http/app-error';

/** Who holds a stream: a dashboard session or an API key, both acting for a user in a project. */
export interface StreamOwner {
  userId: string;
  projectId: string;
  sessionIdHash: string | null;
  keyId: string | null;
}

export interface RegisteredStream {
  owner: StreamOwner;
  /** Sends the closing frame (when the socket can still take it) and ends the stream. */
  close(reason: StreamCloseReason): void;
}

/**
 * The open streams of one server process. It enforces the per-user and per-key caps, and every
 * `authCheckIntervalMs` re-checks in two or three queries that each stream's session is alive
 * (sliding its idle window: a watched dashboard is in use), its key is not revoked or expired,
 * and its user can still see the project; failing streams are closed. A membership change
 * seen on the event hub triggers the check at once.
 */
export class StreamRegistry {
  private readonly streams = new Set<RegisteredStream>();
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly config: Config,
    private readonly log?: { warn(obj: object, msg: string): void },
  ) {}

  get size(): number {
    return this.streams.size;
  }

  /** Refuses with 429 `too_many_streams` when the owner is at its cap on this process. */
  private assertRoom(owner: StreamOwner): void {
    let count = 0;
    for (const s of this.streams) {
      const same = owner.keyId
        ? s.owner.keyId === owner.keyId
        : !s.owner.keyId && s.owner.userId === owner.userId;
      if (same) count += 1;
    }
    const cap = owner.keyId ? this.config.events.maxStreamsPerKey : this.config.events.maxStreamsPerUser;
    if (count >= cap) {
      throw new AppError(
        'too_many_streams',
        `${owner.keyId ? 'this API key' : 'you'} already ${owner.keyId ? 'has' : 'have'} ${count} open streams (the limit is ${cap}); close one first`,
        { retryAfterSeconds: 5 },
      );
    }
  }

  /** Counts a new stream (or refuses it, see assertRoom); the returned function removes it. */
  add(s: RegisteredStream): () => void {
    this.assertRoom(s.owner);
    this.streams.add(s);
    this.timer ??= setInterval(() => void this.check(), this.config.events.authCheckIntervalMs).unref();
    return () => {
      this.streams.delete(s);
      if (this.streams.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  closeAll(reason: StreamCloseReason): void {
    for (const s of [...this.streams]) s.close(reason);
  }

  /** Re-checks every open stream now (also called when a membership changes). */
  check(): Promise<void> {
    this.checking ??= this.runCheck()
      .catch((err: unknown) => this.log?.warn({ err }, 'stream access check failed'))
      .finally(() => (this.checking = null));
    return this.checking;
  }

  private async runCheck(): Promise<void> {
    const open = [...this.streams];
    if (open.length === 0) return;
    const sessionHashes = [
      ...new Set(open.flatMap((s) => (s.owner.sessionIdHash ? [s.owner.sessionIdHash] : []))),
    ];
    const keyIds = [...new Set(open.flatMap((s) => (s.owner.keyId ? [s.owner.keyId] : [])))];
    const userIds = [...new Set(open.map((s) => s.owner.userId))];

    const liveSessions = new Set<string>();
    if (sessionHashes.length > 0) {
      const rows = await this.db
        .updateTable('sessions')
        .set({
          last_seen_at: sql<Date>`CASE WHEN last_seen_at < now() - interval '15 seconds' THEN now() ELSE last_seen_at END`,
        })
        .where('id_hash', 'in', sessionHashes)
        .where('expires_at', '>', sql<Date>`now()`)
        .where(
          'last_seen_at',
          '>',
          sql<Date>`now() - make_interval(secs => ${this.config.sessionIdleTimeoutSeconds})`,
        )
        .returning('id_hash')
        .execute();
      for (const r of rows) liveSessions.add(r.id_hash);
    }
    const liveKeys = new Set<string>();
    if (keyIds.length > 0) {
      const rows = await this.db
        .selectFrom('api_keys')
        .select('id')
        .where('id', 'in', keyIds)
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
        .execute();
      for (const r of rows) liveKeys.add(r.id);
    }
    const access = new Set<string>();
    const admins = new Set<string>();
    const members = await this.db
      .selectFrom('users as u')
      .leftJoin('memberships as m', 'm.user_id', 'u.id')
      .select(['u.id', 'u.is_admin', 'm.project_id'])
      .where('u.id', 'in', userIds)
      .execute();
    for (const m of members) {
      if (m.is_admin) admins.add(m.id);
      if (m.project_id) access.add(`${m.id} ${m.project_id}`);
    }

    for (const s of open) {
      const o = s.owner;
      if (o.sessionIdHash && !liveSessions.has(o.sessionIdHash)) s.close('session_ended');
      else if (o.keyId && !liveKeys.has(o.keyId)) s.close('access_revoked');
      else if (!admins.has(o.userId) && !access.has(`${o.userId} ${o.projectId}`)) s.close('access_revoked');
    }
  }
}
