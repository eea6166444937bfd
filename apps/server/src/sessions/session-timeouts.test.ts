import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../ids';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  createTestApp,
  login,
  opsRequest,
  type Browser,
  type TestApp,
} from '../../test/test-app';
import { pruneExpiredSessions } from './session-store';

const IDLE_SECONDS = 600;
const ABSOLUTE_SECONDS = 1800;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    XEM_SESSION_IDLE_TIMEOUT_SECONDS: String(IDLE_SECONDS),
    XEM_SESSION_ABSOLUTE_TIMEOUT_SECONDS: String(ABSOLUTE_SECONDS),
  });
});
afterAll(() => t.close());

/**
 * "Time passes" for the given sessions: every timestamp moves back, so the database clock sees
 * them as that much older. No sleeping, no fake process clock.
 */
async function age(browsers: Browser[], seconds: number): Promise<void> {
  const hashes = browsers.map((b) => sha256Hex(b.cookie.split('=')[1]!));
  await sql`
    UPDATE sessions SET
      created_at = created_at - make_interval(secs => ${seconds}),
      last_seen_at = last_seen_at - make_interval(secs => ${seconds}),
      expires_at = expires_at - make_interval(secs => ${seconds})
    WHERE id_hash IN (${sql.join(hashes)})`.execute(t.deps.db);
}

const getSession = (b: Browser) =>
  t.app.inject({ method: 'GET', url: '/ops/session', headers: { cookie: b.cookie } });

function expectExpired(res: Awaited<ReturnType<typeof getSession>>): void {
  expect(res.statusCode).toBe(401);
  expect(res.json().error.code).toBe('session_expired');
  // The browser is told to drop the dead cookie.
  const cleared = res.cookies.find((c) => c.name === 'xem_session');
  expect(cleared?.value).toBe('');
}

describe('idle timeout (database clock)', () => {
  it('keeps a session used within the idle window', async () => {
    const b = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    await age([b], IDLE_SECONDS - 30);
    expect((await getSession(b)).statusCode).toBe(200);
  });

  it('refuses a session unused for longer than the idle timeout with 401 session_expired', async () => {
    const b = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    await age([b], IDLE_SECONDS + 5);
    expectExpired(await getSession(b));
  });

  it('refuses an idle session on state-changing requests too, even with its CSRF token', async () => {
    const b = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    await age([b], IDLE_SECONDS + 5);
    const res = await opsRequest(t.app, b, 'POST', '/ops/api/keys', { name: 'late', scopes: ['execution'] });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('session_expired');
    const keys = await t.deps.db.selectFrom('api_keys').select('id').where('name', '=', 'late').execute();
    expect(keys).toEqual([]);
  });

  it('slides the idle window on activity', async () => {
    const active = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const idle = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);

    await age([active, idle], 400);
    expect((await getSession(active)).statusCode).toBe(200);
    const seen = await t.deps.db
      .selectFrom('sessions')
      .select(sql<number>`extract(epoch from now() - last_seen_at)::float8`.as('ago'))
      .where('id_hash', '=', sha256Hex(active.cookie.split('=')[1]!))
      .executeTakeFirstOrThrow();
    expect(seen.ago).toBeLessThan(5);

    // 800 s after sign-in: past the idle timeout for the unused session only.
    await age([active, idle], 400);
    expect((await getSession(active)).statusCode).toBe(200);
    expectExpired(await getSession(idle));
  });
});

describe('absolute timeout (database clock)', () => {
  it('ends a session at its absolute expiry however busy it is', async () => {
    const b = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    // Used every 500 s, so never idle; 1500 s after sign-in it is still alive.
    for (let i = 0; i < 3; i++) {
      await age([b], 500);
      expect((await getSession(b)).statusCode).toBe(200);
    }
    await age([b], 500); // 2000 s > 1800 s
    expectExpired(await getSession(b));
  });

  it('refuses a session whose expires_at has passed', async () => {
    const b = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const other = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    await sql`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id_hash = ${sha256Hex(b.cookie.split('=')[1]!)}`.execute(
      t.deps.db,
    );
    expectExpired(await getSession(b));
    expect((await getSession(other)).statusCode).toBe(200);
  });

  it('does not extend the absolute expiry on activity', async () => {
    const b = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const first = (await getSession(b)).json().expires_at;
    await age([b], 100);
    const res = await getSession(b);
    expect(res.statusCode).toBe(200);
    expect(Date.parse(res.json().expires_at)).toBe(Date.parse(first) - 100_000);
  });
});

describe('pruneExpiredSessions', () => {
  it('deletes idle and expired sessions and keeps live ones', async () => {
    const live = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const idle = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const expired = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    await age([idle], IDLE_SECONDS + 1);
    await sql`UPDATE sessions SET expires_at = now() WHERE id_hash = ${sha256Hex(expired.cookie.split('=')[1]!)}`.execute(
      t.deps.db,
    );
    const deleted = await pruneExpiredSessions(t.deps.db, IDLE_SECONDS);
    expect(deleted).toBeGreaterThanOrEqual(2);
    const left = await t.deps.db
      .selectFrom('sessions')
      .select('id_hash')
      .where(
        'id_hash',
        'in',
        [live, idle, expired].map((b) => sha256Hex(b.cookie.split('=')[1]!)),
      )
      .execute();
    expect(left).toEqual([{ id_hash: sha256Hex(live.cookie.split('=')[1]!) }]);
  });
});
