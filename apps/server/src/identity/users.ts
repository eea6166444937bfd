import type { Kysely, Selectable } from 'kysely';
import type { User } from '@xem/protocol';
import type { Database, UsersTable } from '../db/schema';
import { newId } from '../ids';

export type UserRow = Selectable<UsersTable>;

export function toUser(u: UserRow): User {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    is_admin: u.is_admin,
    must_change_password: u.must_change_password,
    created_at: u.created_at.toISOString(),
  };
}

export function findUserByEmail(db: Kysely<Database>, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
}

export function findUserById(db: Kysely<Database>, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface NewUser {
  email: string;
  name?: string | undefined;
  passwordHash: string;
  isAdmin?: boolean;
  mustChangePassword?: boolean;
}

export function insertUser(trx: Kysely<Database>, u: NewUser): Promise<UserRow> {
  return trx
    .insertInto('users')
    .values({
      id: newId('usr'),
      email: u.email.toLowerCase(),
      name: u.name ?? u.email.split('@')[0] ?? '',
      password_hash: u.passwordHash,
      is_admin: u.isAdmin ?? false,
      must_change_password: u.mustChangePassword ?? false,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}
