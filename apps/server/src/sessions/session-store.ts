import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, SessionsTable } from '../db/schema';
import { randomToken, sha256Hex } from '../ids';

export type SessionRow = Selectable<SessionsTable>;

export interface SessionTimeouts {
  idleSeconds: number;
  absoluteSeconds: number;
}

/** Only the hash of a session id is stored: a leaked table does not leak live sessions. */
export async function createSession(
  trx: Kysely<Database>,
  userId: string,
  activeProjectId: string | null,
  timeouts: SessionTimeouts,
  meta: { ip: string | null; userAgent: string | null },
): Promise<{ sessionId: string; row: SessionRow }> {
  const sessionId = randomToken(43);
  const row = await trx
    .insertInto('sessions')
    .values({
      id_hash: sha256Hex(sessionId),
      user_id: userId,
      active_project_id: activeProjectId,
      csrf_token: randomToken(43),
      expires_at: sql<Date>`now() + make_interval(secs => ${timeouts.absoluteSeconds})`,
      ip: meta.ip,
      user_agent: meta.userAgent?.slice(0, 300) ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { sessionId, row };
}

/** A live session: before its absolute expiry and used within the idle timeout (database clock). */
export async function findLiveSession(
  db: Kysely<Database>,
  sessionId: string,
  idleSeconds: number,
): Promise<SessionRow | undefined> {
  return db
    .selectFrom('sessions')
    .selectAll()
    .where('id_hash', '=', sha256Hex(sessionId))
    .where('expires_at', '>', sql<Date>`now()`)
    .where('last_seen_at', '>', sql<Date>`now() - make_interval(secs => ${idleSeconds})`)
    .executeTakeFirst();
}

/** Slides the idle window; writes at most once per 15 s per session. */
export async function touchSession(db: Kysely<Database>, idHash: string): Promise<void> {
  await db
    .updateTable('sessions')
    .set({ last_seen_at: sql<Date>`now()` })
    .where('id_hash', '=', idHash)
    .where('last_seen_at', '<', sql<Date>`now() - interval '15 seconds'`)
    .execute();
}

export async function deleteSession(db: Kysely<Database>, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

/** Ends every session of a user (password change, role change, removal). Returns how many. */
export async function killUserSessions(trx: Kysely<Database>, userId: string): Promise<number> {
  const res = await trx.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
  return Number(res.numDeletedRows);
}

export async function pruneExpiredSessions(db: Kysely<Database>, idleSeconds: number): Promise<number> {
  const res = await db
    .deleteFrom('sessions')
    .where((eb) =>
      eb.or([
        eb('expires_at', '<=', sql<Date>`now()`),
        eb('last_seen_at', '<=', sql<Date>`now() - make_interval(secs => ${idleSeconds})`),
      ]),
    )
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}
