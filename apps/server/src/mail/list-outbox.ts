import type { Kysely } from 'kysely';
import type { ListOutboxQuery, OutboxMessage } from '@xem/protocol';
import type { Database } from '../db/schema';
import { decodeCursor, keysetAfter, microsText, pageOf } from '../http/keyset-cursor';

/** The project's e-mails, newest first: what was sent, is waiting, failed, or (without SMTP) was never sent. */
export async function listOutbox(
  db: Kysely<Database>,
  projectId: string,
  q: ListOutboxQuery,
): Promise<{ data: OutboxMessage[]; next_cursor: string | null }> {
  const after = q.cursor === undefined ? null : decodeCursor(q.cursor, 'time_id');
  const rows = await db
    .selectFrom('outbox_messages')
    .selectAll()
    .select(microsText('created_at').as('created_us'))
    .where('project_id', '=', projectId)
    .$if(Boolean(q.status?.length), (b) => b.where('status', 'in', q.status!))
    .$if(after !== null, (b) => b.where(keysetAfter(['created_at', 'id'], after!, 'time_id', 'desc')))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const page = pageOf(rows, q.limit, (r) => [r.created_us, r.id]);
  return {
    data: page.rows.map((r): OutboxMessage => ({
      id: r.id,
      to: r.to_address,
      subject: r.subject,
      text: r.body,
      kind: r.kind,
      status: r.status as OutboxMessage['status'],
      attempts: r.attempts,
      last_error: r.last_error,
      created_at: r.created_at.toISOString(),
      sent_at: r.sent_at?.toISOString() ?? null,
    })),
    next_cursor: page.next_cursor,
  };
}
