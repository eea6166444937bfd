import { sql, type Kysely, type Selectable } from 'kysely';
import type { ApiKey, CreatedKey, CreateKeyRequest, ListQuery, Scope } from '@xem/protocol';
import type { ApiKeysTable, Database } from '../db/schema';
import { appendAudit } from '../audit/append-audit';
import { AppError, notFound } from '../http/app-error';
import { decodeCursor, keysetAfter, microsText, pageOf } from '../http/keyset-cursor';
import { assertOwner, type Actor } from '../http/principal';
import { newId } from '../ids';
import { mintKey } from './key-format';

type KeyRow = Selectable<ApiKeysTable> & { active: boolean };

const activeExpr = sql<boolean>`(revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now()))`;

function toApiKey(k: KeyRow): ApiKey {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes as Scope[],
    created_by: k.created_by,
    created_at: k.created_at.toISOString(),
    expires_at: k.expires_at?.toISOString() ?? null,
    last_used_at: k.last_used_at?.toISOString() ?? null,
    revoked_at: k.revoked_at?.toISOString() ?? null,
    rotated_to: k.rotated_to,
    active: k.active,
  };
}

function auditView(k: ApiKey) {
  return {
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    scopes: k.scopes,
    expires_at: k.expires_at,
    revoked_at: k.revoked_at,
  };
}

async function getKey(db: Kysely<Database>, projectId: string, keyId: string, lock = false): Promise<KeyRow> {
  const row = await db
    .selectFrom('api_keys')
    .selectAll()
    .select(activeExpr.as('active'))
    .where('project_id', '=', projectId)
    .where('id', '=', keyId)
    .$if(lock, (q) => q.forUpdate())
    .executeTakeFirst();
  if (!row) throw notFound('API key', keyId);
  return row;
}

/** API keys of the project, newest first (created_at DESC, id DESC), one keyset page. */
export async function listKeys(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  q: ListQuery,
): Promise<{ data: ApiKey[]; next_cursor: string | null }> {
  assertOwner(actor, 'list API keys');
  const after = q.cursor === undefined ? null : decodeCursor(q.cursor, 'time_id');
  const rows = await db
    .selectFrom('api_keys')
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
  return { data: page.rows.map(toApiKey), next_cursor: page.next_cursor };
}

/** Inserts a key for `userId`; the secret is returned once and only its hash is kept. */
export async function insertKey(
  trx: Kysely<Database>,
  project: { id: string; slug: string },
  userId: string,
  input: { name: string; scopes: Scope[]; expiresInDays?: number | undefined },
): Promise<CreatedKey> {
  const minted = mintKey(project.slug);
  const row = await trx
    .insertInto('api_keys')
    .values({
      id: newId('key'),
      project_id: project.id,
      name: input.name,
      prefix: minted.prefix,
      key_hash: minted.hash,
      scopes: [...new Set(input.scopes)].sort(),
      created_by: userId,
      expires_at:
        input.expiresInDays === undefined
          ? null
          : sql<Date>`now() + make_interval(days => ${input.expiresInDays})`,
    })
    .returningAll()
    .returning(activeExpr.as('active'))
    .executeTakeFirstOrThrow();
  return { key: minted.key, api_key: toApiKey(row) };
}

export async function createKey(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  input: CreateKeyRequest,
): Promise<CreatedKey> {
  assertOwner(actor, 'create API keys');
  return db.transaction().execute(async (trx) => {
    const project = await trx
      .selectFrom('projects')
      .select(['id', 'slug'])
      .where('id', '=', projectId)
      .executeTakeFirstOrThrow();
    const created = await insertKey(trx, project, actor.userId, {
      name: input.name,
      scopes: input.scopes,
      expiresInDays: input.expires_in_days,
    });
    await appendAudit(trx, projectId, actor.ctx, {
      action: 'api_key.create',
      targetType: 'api_key',
      targetId: created.api_key.id,
      after: auditView(created.api_key),
    });
    return created;
  });
}

/**
 * Issues a successor with the same name and scopes; the old key keeps working for the grace
 * period (never longer than it would have anyway), then stops.
 */
export async function rotateKey(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  keyId: string,
  graceHours: number,
): Promise<CreatedKey> {
  assertOwner(actor, 'rotate API keys');
  return db.transaction().execute(async (trx) => {
    const old = await getKey(trx, projectId, keyId, true);
    if (!old.active || old.rotated_to) {
      throw new AppError(
        'conflict',
        `API key ${keyId} is ${old.rotated_to ? 'already rotated' : 'no longer active'}; create a new key instead`,
      );
    }
    const project = await trx
      .selectFrom('projects')
      .select(['id', 'slug'])
      .where('id', '=', projectId)
      .executeTakeFirstOrThrow();
    // The successor acts for the same user as the key it replaces, whoever rotates it.
    const createdBy = old.created_by ?? actor.userId;
    const created = await insertKey(trx, project, createdBy, {
      name: old.name,
      scopes: old.scopes as Scope[],
    });
    if (old.expires_at) {
      await trx
        .updateTable('api_keys')
        .set({ expires_at: old.expires_at })
        .where('id', '=', created.api_key.id)
        .execute();
      created.api_key.expires_at = old.expires_at.toISOString();
    }
    const updated = await trx
      .updateTable('api_keys')
      .set({
        rotated_to: created.api_key.id,
        expires_at: sql<Date>`least(coalesce(expires_at, 'infinity'), now() + make_interval(hours => ${graceHours}))`,
      })
      .where('id', '=', keyId)
      .returningAll()
      .returning(activeExpr.as('active'))
      .executeTakeFirstOrThrow();
    await appendAudit(trx, projectId, actor.ctx, {
      action: 'api_key.rotate',
      targetType: 'api_key',
      targetId: keyId,
      before: auditView(toApiKey(old)),
      after: {
        old: auditView(toApiKey(updated)),
        new: auditView(created.api_key),
        grace_period_hours: graceHours,
      },
    });
    return created;
  });
}

export async function revokeKey(
  db: Kysely<Database>,
  actor: Actor,
  projectId: string,
  keyId: string,
): Promise<ApiKey> {
  assertOwner(actor, 'revoke API keys');
  return db.transaction().execute(async (trx) => {
    const old = await getKey(trx, projectId, keyId, true);
    if (old.revoked_at) return toApiKey(old);
    const row = await trx
      .updateTable('api_keys')
      .set({ revoked_at: sql<Date>`now()` })
      .where('id', '=', keyId)
      .returningAll()
      .returning(activeExpr.as('active'))
      .executeTakeFirstOrThrow();
    await appendAudit(trx, projectId, actor.ctx, {
      action: 'api_key.revoke',
      targetType: 'api_key',
      targetId: keyId,
      before: auditView(toApiKey(old)),
      after: auditView(toApiKey(row)),
    });
    return toApiKey(row);
  });
}
