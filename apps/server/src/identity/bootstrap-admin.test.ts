import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import { createTestDb } from '../../test/test-db';
import { bootstrapAdmin } from './bootstrap-admin';
import { createPasswordHasher } from './password';

const hasher = createPasswordHasher({ costLog2: 10 });
let database: Db | undefined;
afterEach(async () => {
  await database?.close();
  database = undefined;
});

describe('bootstrapAdmin', () => {
  it('creates one admin owning a default project on an empty database, then never again', async () => {
    database = await createTestDb();
    const first = await bootstrapAdmin(database.db, hasher, {
      email: 'root@example.test',
      password: 'a-strong-password',
      projectSlug: 'default',
    });
    expect(first.created).toBe(true);
    expect(first.generatedPassword).toBeUndefined();
    const user = await database.db.selectFrom('users').selectAll().executeTakeFirstOrThrow();
    expect(user.email).toBe('root@example.test');
    expect(user.is_admin).toBe(true);
    expect(await hasher.verify('a-strong-password', user.password_hash)).toBe(true);
    const m = await database.db.selectFrom('memberships').selectAll().executeTakeFirstOrThrow();
    expect(m).toMatchObject({ project_id: first.projectId, user_id: user.id, role: 'owner' });
    const audit = await database.db
      .selectFrom('audit_log')
      .select('action')
      .where('project_id', '=', first.projectId!)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['project.bootstrap']);

    const again = await bootstrapAdmin(database.db, hasher, {
      email: 'x@example.test',
      password: 'another-one-123',
      projectSlug: 'other',
    });
    expect(again.created).toBe(false);
    const users = await database.db.selectFrom('users').select('id').execute();
    expect(users).toHaveLength(1);
  });

  it('generates a password when none is configured, and it works', async () => {
    database = await createTestDb();
    const res = await bootstrapAdmin(database.db, hasher, { projectSlug: 'default' });
    expect(res.email).toBe('admin@localhost');
    expect(res.generatedPassword).toMatch(/^[a-z0-9]{24}$/);
    const user = await database.db.selectFrom('users').selectAll().executeTakeFirstOrThrow();
    expect(await hasher.verify(res.generatedPassword!, user.password_hash)).toBe(true);
  });

  it('creates exactly one admin when replicas bootstrap concurrently', async () => {
    database = await createTestDb();
    const results = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        bootstrapAdmin(database!.db, hasher, {
          email: `a${i}@example.test`,
          password: 'same-password-1',
          projectSlug: 'default',
        }),
      ),
    );
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await database.db.selectFrom('users').select('id').execute()).toHaveLength(1);
    expect(await database.db.selectFrom('projects').select('id').execute()).toHaveLength(1);
  });
});
