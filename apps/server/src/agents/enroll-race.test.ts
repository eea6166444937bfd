import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollRequest, mintJoinKey } from '../../test/fleet-helpers';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  createTestApp,
  login,
  type Browser,
  type TestApp,
} from '../../test/test-app';

let t: TestApp;
let admin: Browser;

beforeAll(async () => {
  t = await createTestApp();
  admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
});
afterAll(() => t.close());

// Meaningful on PostgreSQL (DATABASE_URL), where the enrolls run on separate connections at once;
// PGlite has one connection, so there it only proves the accounting.
describe('parallel enrollment with one join key', () => {
  it('12 parallel enrolls with a key of 3 uses: exactly 3 agents, the rest 401 invalid_join_key', async () => {
    const jk = await mintJoinKey(t, admin, { max_uses: 3 });
    const names = Array.from({ length: 12 }, (_, i) => `racer-${i}`);
    const results = await Promise.all(names.map((n) => enrollRequest(t, jk.key, n)));
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(3);
    expect(codes.filter((c) => c === 401)).toHaveLength(9);
    for (const r of results.filter((x) => x.statusCode === 401)) {
      expect(r.json().error.code).toBe('invalid_join_key');
    }
    const row = await t.deps.db
      .selectFrom('join_keys')
      .select('uses')
      .where('id', '=', jk.join_key.id)
      .executeTakeFirstOrThrow();
    expect(row.uses).toBe(3);
    const agents = await t.deps.db
      .selectFrom('agents')
      .select('id')
      .where('join_key_id', '=', jk.join_key.id)
      .execute();
    expect(agents).toHaveLength(3);
    const credentials = await t.deps.db
      .selectFrom('agent_credentials')
      .select('agent_id')
      .where(
        'agent_id',
        'in',
        agents.map((a) => a.id),
      )
      .execute();
    expect(credentials).toHaveLength(3);
  });

  it('parallel enrolls of one registration name with a many-use key: one agent, the rest 409, uses = 1', async () => {
    const jk = await mintJoinKey(t, admin, { max_uses: 10 });
    const results = await Promise.all(Array.from({ length: 6 }, () => enrollRequest(t, jk.key, 'same-name')));
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).toEqual([201, 409, 409, 409, 409, 409]);
    const row = await t.deps.db
      .selectFrom('join_keys')
      .select('uses')
      .where('id', '=', jk.join_key.id)
      .executeTakeFirstOrThrow();
    expect(row.uses).toBe(1);
  });
});
