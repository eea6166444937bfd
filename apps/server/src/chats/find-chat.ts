import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { notFound } from '../http/app-error';
import type { ChatRow } from './chat-view';

/** A chat of the project; another project's chat is not found, like a missing one. */
export async function findChat(db: Kysely<Database>, projectId: string, chatId: string): Promise<ChatRow> {
  const row = await db
    .selectFrom('chats')
    .selectAll()
    .where('id', '=', chatId)
    .where('project_id', '=', projectId)
    .executeTakeFirst();
  if (!row) throw notFound('chat', chatId);
  return row;
}
