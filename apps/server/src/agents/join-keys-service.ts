import { sql, type Kysely, type Selectable } from 'kysely';
import type { CreatedJoinKey, CreateJoinKeyRequest, JoinKey, ListQuery } from '@xem/protocol';
import type { z } from 'zod';
import type { Database, JoinKeysTable } from '../db/schema';
import { notFound } from '../http/app-error';
import { decodeCursor, keysetAfter, microsText, pageOf } from '../http/keyset-cursor';
import { assertOwner, type Actor } from '../http/principal';
import { newId } from '../ids';
import { recordChange } from '../workspaces/record-change';
import { getWorkspaceRow } from '../workspaces/workspace-view';
import { mintSecret } from './secret-format';

type JoinKeyRow = Selectable<JoinKeysTable> & { active: boolean };

const activeExpr = sql<boolean>`(revoked_at IS NULL AND uses < max_uses AND expires_at > now())`;

function toJoinKey(k: JoinKeyRow): JoinKey {
  return {
    id: k.id,
    name: k.name,
    region: k.region,
    prefix: k.prefix,
    workspace_id: k.workspace_id,
    max_uses: k.max_uses,
    uses: k.uses,
    expires_at: k.expires_at.toISOString(),
    revoked_at: k.revoked_at?.toISOString() ?? null,
    created_by: k.created_by,
    created_at: k.created_at.toISOString(),
    active: k.active,
  };
}

/** Join keys of the project, newest first (created_at DESC, id DESC), one keyset page. */
export async function listJoinKeys(
  db: Kysely<Database>,
  projectId: string,
  q: ListQuery,
): Promise<{ data: JoinKey[]; next_cursor: string | null }> {
  const after = q.cursor === undefined ? null : decodeCursor(q.cursor, 'time_id');
  const rows = await db
    .selectFrom('join_keys')
    .selectAll()
    .select(activeExpr.as('active'))
    .select(microsText('created_at').as('created_us'))
    .where('project_id', '=', projectId)
    .$if(after !== null, (b) => b.where(keysetAfter(['created_at', 'id'], after!, 'time_id', 'desc')))
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(q.limit + 1)
    .execute();
  const page = pageOf(rows, q.limit, (r) => [r.created_us, r.id]);
  return { data: page.rows.map(toJoinKey), next_cursor: page.next_cursor };
}

/** Mints a join key; the secret is returned once and only its SHA-256 is kept. */
export async function createJoinKey(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  input: z.infer<typeof CreateJoinKeyRequest>,
): Promise<z.infer<typeof CreatedJoinKey>> {
  assertOwner(actor, 'create join keys');
  return db.transaction().execute(async (trx) => {
    if (input.workspace_id !== undefined) await getWorkspaceRow(trx, projectId, input.workspace_id);
    const minted = mintSecret('xjk');
    const row = await trx
      .insertInto('join_keys')
      .values({
        id: newId('jk'),
        project_id: projectId,
        workspace_id: input.workspace_id ?? null,
        name: input.name,
        region: input.region,
        prefix: minted.prefix,
        key_hash: minted.hash,
        max_uses: input.max_uses,
        uses: 0,
        expires_at: sql<Date>`now() + make_interval(hours => ${input.ttl_hours})`,
        created_by: actor.userId,
      })
      .returningAll()
      .returning(activeExpr.as('active'))
      .executeTakeFirstOrThrow();
    const joinKey = toJoinKey(row);
    await recordChange(trx, projectId, actor.ctx, {
      action: 'join_key.create',
      event: 'join_key.created',
      targetType: 'join_key',
      targetId: joinKey.id,
      after: joinKey,
    });
    return { key: minted.secret, join_key: joinKey };
  });
}

/** Revokes a join key: agents already enrolled with it keep working; no new ones can enroll. */
export async function revokeJoinKey(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  joinKeyId: string,
): Promise<JoinKey> {
  assertOwner(actor, 'revoke join keys');
  return db.transaction().execute(async (trx) => {
    const old = await trx
      .selectFrom('join_keys')
      .selectAll()
      .select(activeExpr.as('active'))
      .where('project_id', '=', projectId)
      .where('id', '=', joinKeyId)
      .forUpdate()
      .executeTakeFirst();
    if (!old) throw notFound('join key', joinKeyId);
    if (old.revoked_at) return toJoinKey(old);
    const row = await trx
      .updateTable('join_keys')
      .set({ revoked_at: sql<Date>`now()` })
      .where('id', '=', joinKeyId)
      .returningAll()
      .returning(activeExpr.as('active'))
      .executeTakeFirstOrThrow();
    const joinKey = toJoinKey(row);
    await recordChange(trx, projectId, actor.ctx, {
      action: 'join_key.revoke',
      event: 'join_key.revoked',
      targetType: 'join_key',
      targetId: joinKeyId,
      before: toJoinKey(old),
      after: joinKey,
    });
    return joinKey;
  });
}
