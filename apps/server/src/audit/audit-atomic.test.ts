import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AddMemberResponse, CreatedKey } from '@xem/protocol';
import {
  bearer,
  createTestApp,
  expectError,
  seedApiKey,
  seedMembership,
  seedProject,
  seedUser,
  type TestApp,
} from '../../test/test-app';

/**
 * A change and its audit row commit together or not at all. To prove it, a test trigger makes
 * the audit insert of one chosen action fail; the change it records must then not be visible.
 */
let t: TestApp;
let projectId: string;
let key: string;
let ownerId: string;

beforeAll(async () => {
  t = await createTestApp();
  await t.database.pool.query(`
    CREATE TABLE test_failing_audit_actions (action text PRIMARY KEY);
    CREATE FUNCTION test_fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM test_failing_audit_actions WHERE action = NEW.action) THEN
        RAISE EXCEPTION 'test: audit write of % failed', NEW.action;
      END IF;
      RETURN NEW;
    END;
    $$;
    CREATE TRIGGER test_fail_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION test_fail_audit();
  `);
  const p = await seedProject(t);
  projectId = p.id;
  ownerId = p.owner.id;
  key = (await seedApiKey(t, p.id, p.owner.id)).key;
});
afterEach(async () => {
  await t.database.pool.query('DELETE FROM test_failing_audit_actions');
});
afterAll(() => t.close());

const failAudit = (action: string) =>
  t.database.pool.query('INSERT INTO test_failing_audit_actions (action) VALUES ($1)', [action]);

const api = (method: 'POST' | 'PATCH' | 'DELETE', path: string, payload?: object) =>
  t.app.inject({
    method,
    url: `/${projectId}/v1/management${path}`,
    headers: bearer(key),
    ...(payload ? { payload } : {}),
  });

async function state() {
  const db = t.deps.db;
  return {
    keys: await db
      .selectFrom('api_keys')
      .selectAll()
      .where('project_id', '=', projectId)
      .orderBy('id')
      .execute(),
    members: await db
      .selectFrom('memberships')
      .selectAll()
      .where('project_id', '=', projectId)
      .orderBy('user_id')
      .execute(),
    invitations: await db
      .selectFrom('invitations')
      .selectAll()
      .where('project_id', '=', projectId)
      .orderBy('id')
      .execute(),
    events: await db.selectFrom('events').select('id').where('project_id', '=', projectId).execute(),
    sessions: await db.selectFrom('sessions').select('id_hash').execute(),
    users: await db.selectFrom('users').select('id').orderBy('id').execute(),
    audit: await db.selectFrom('audit_heads').selectAll().where('project_id', '=', projectId).execute(),
  };
}

/** With the audit write of `action` failing, `change` must fail and leave no trace. */
async function expectAtomic(action: string, change: () => Promise<{ statusCode: number; body: string }>) {
  await failAudit(action);
  const before = await state();
  const res = await change();
  expect(res.statusCode, res.body).toBe(500);
  expect(JSON.parse(res.body).error.code).toBe('internal_error');
  expect(await state()).toEqual(before);
}

describe('a state change and its audit row commit in one transaction', () => {
  it('the trigger only fires for the chosen action (sanity check)', async () => {
    await failAudit('nothing.matches');
    const res = await api('POST', '/keys', { name: 'fine', scopes: ['execution'] });
    expect(res.statusCode, res.body).toBe(201);
  });

  it('api_key.create', async () => {
    await expectAtomic('api_key.create', () =>
      api('POST', '/keys', { name: 'ghost', scopes: ['execution'] }),
    );
  });

  it('api_key.rotate', async () => {
    const k = CreatedKey.parse((await api('POST', '/keys', { name: 'r', scopes: ['execution'] })).json());
    await expectAtomic('api_key.rotate', () =>
      api('POST', `/keys/${k.api_key.id}/rotate`, { grace_period_hours: 0 }),
    );
  });

  it('api_key.revoke', async () => {
    const k = CreatedKey.parse((await api('POST', '/keys', { name: 'v', scopes: ['management'] })).json());
    await expectAtomic('api_key.revoke', () => api('POST', `/keys/${k.api_key.id}/revoke`));
    // Still usable: the revoke did not happen.
    const res = await t.app.inject({
      method: 'GET',
      url: `/${projectId}/v1/management/keys`,
      headers: bearer(k.key),
    });
    expect(res.statusCode).toBe(200);
  });

  it('member.add', async () => {
    const u = await seedUser(t);
    await expectAtomic('member.add', () => api('POST', '/project/members', { email: u.email }));
  });

  it('member.set_role and member.remove (sessions survive too)', async () => {
    const u = await seedUser(t);
    await seedMembership(t, projectId, u.id, 'member');
    const login = await t.app.inject({
      method: 'POST',
      url: '/ops/login',
      payload: { email: u.email, password: u.password },
    });
    expect(login.statusCode).toBe(200);
    await expectAtomic('member.set_role', () => api('PATCH', `/project/members/${u.id}`, { role: 'owner' }));
    await t.database.pool.query('DELETE FROM test_failing_audit_actions');
    await expectAtomic('member.remove', () => api('DELETE', `/project/members/${u.id}`));
  });

  it('invitation.create and invitation.revoke', async () => {
    await expectAtomic('invitation.create', () =>
      api('POST', '/project/members', { email: 'ghost@example.test' }),
    );
    await t.database.pool.query('DELETE FROM test_failing_audit_actions');
    const inv = AddMemberResponse.parse(
      (await api('POST', '/project/members', { email: 'real@example.test' })).json(),
    );
    await expectAtomic('invitation.revoke', () =>
      api('DELETE', `/project/invitations/${inv.invitation!.id}`),
    );
  });

  it('a denied attempt is recorded even though the request fails', async () => {
    const exec = await seedApiKey(t, projectId, ownerId, ['execution']);
    const res = await t.app.inject({
      method: 'GET',
      url: `/${projectId}/v1/management/keys`,
      headers: bearer(exec.key),
    });
    expectError(res, 403, 'scope_insufficient');
    const rows = await t.deps.db
      .selectFrom('audit_log')
      .select(['action', 'outcome'])
      .where('request_id', '=', String(res.headers['x-request-id']))
      .execute();
    expect(rows).toEqual([{ action: 'auth.scope_refused', outcome: 'denied' }]);
  });
});
