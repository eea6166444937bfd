import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, seedMembership, seedUser, type TestApp } from '../../test/test-app';

const PER_ACCOUNT = 3;
const PER_IP = 5;
const WINDOW_SECONDS = 900;
const MAX_BLOCK_SECONDS = 600;

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({
    XEM_LOGIN_MAX_FAILURES_PER_ACCOUNT: String(PER_ACCOUNT),
    XEM_LOGIN_MAX_FAILURES_PER_IP: String(PER_IP),
    XEM_LOGIN_WINDOW_SECONDS: String(WINDOW_SECONDS),
    XEM_LOGIN_MAX_BLOCK_SECONDS: String(MAX_BLOCK_SECONDS),
  });
});
afterAll(() => t.close());

let ipSeq = 0;
/** A client address of its own for each test, so per-IP counters do not leak between tests. */
const freshIp = () => `10.9.0.${++ipSeq}`;

function attempt(email: string, password: string, ip: string, requestId?: string) {
  return t.app.inject({
    method: 'POST',
    url: '/ops/login',
    remoteAddress: ip,
    payload: { email, password },
    ...(requestId ? { headers: { 'x-request-id': requestId } } : {}),
  });
}

async function failTimes(n: number, email: string, ip: string): Promise<void> {
  for (let i = 0; i < n; i++) {
    const res = await attempt(email, 'wrong-password-0', ip);
    expect(res.statusCode, `failure ${i + 1}`).toBe(401);
    expect(res.json().error.code).toBe('invalid_credentials');
  }
}

function expectRateLimited(res: Awaited<ReturnType<typeof attempt>>, maxSeconds: number): number {
  expect(res.statusCode).toBe(429);
  const body = res.json();
  expect(body.error.code).toBe('rate_limited');
  expect(body.error.type).toBe('rate_limit_error');
  const header = Number(res.headers['retry-after']);
  expect(Number.isInteger(header)).toBe(true);
  expect(header).toBeGreaterThanOrEqual(1);
  expect(header).toBeLessThanOrEqual(maxSeconds);
  expect(body.error.retry_after).toBe(header);
  expect(res.cookies).toEqual([]);
  return header;
}

async function newUser(email: string): Promise<void> {
  const u = await seedUser(t, { email, password: 'right-password-1' });
  await seedMembership(t, t.projectId, u.id, 'member');
}

describe('per-account throttle', () => {
  it(`answers 429 with Retry-After after ${PER_ACCOUNT} failures, even with the right password and from another address`, async () => {
    await newUser('acct@example.test');
    await failTimes(PER_ACCOUNT, 'acct@example.test', freshIp());
    expectRateLimited(await attempt('acct@example.test', 'right-password-1', freshIp()), 30);
    // The e-mail is normalised before it is counted.
    expectRateLimited(await attempt(' ACCT@example.test', 'right-password-1', freshIp()), 30);
  });

  it('applies to POST /v1/auth/token as well', async () => {
    await newUser('token@example.test');
    await failTimes(PER_ACCOUNT, 'token@example.test', freshIp());
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/auth/token',
      remoteAddress: freshIp(),
      payload: { email: 'token@example.test', password: 'right-password-1', name: 'cli' },
    });
    expectRateLimited(res, 30);
  });

  it('is never forever: once blocked_until has passed, the right password works again', async () => {
    await newUser('unblock@example.test');
    await failTimes(PER_ACCOUNT, 'unblock@example.test', freshIp());
    expectRateLimited(await attempt('unblock@example.test', 'right-password-1', freshIp()), 30);
    await sql`UPDATE login_throttles SET blocked_until = now() - interval '1 second'
              WHERE key = 'acct:unblock@example.test'`.execute(t.deps.db);
    const res = await attempt('unblock@example.test', 'right-password-1', freshIp());
    expect(res.statusCode).toBe(200);
    const left = await t.deps.db
      .selectFrom('login_throttles')
      .select('key')
      .where('key', '=', 'acct:unblock@example.test')
      .execute();
    expect(left).toEqual([]);
  });

  it('doubles the wait with each further failure, capped at XEM_LOGIN_MAX_BLOCK_SECONDS', async () => {
    await newUser('double@example.test');
    await failTimes(PER_ACCOUNT, 'double@example.test', freshIp());
    const first = expectRateLimited(await attempt('double@example.test', 'x-password-1', freshIp()), 30);
    expect(first).toBeGreaterThan(20);

    const unblock = sql`UPDATE login_throttles SET blocked_until = now() - interval '1 second'
                        WHERE key = 'acct:double@example.test'`;
    await unblock.execute(t.deps.db);
    await failTimes(1, 'double@example.test', freshIp());
    const second = expectRateLimited(await attempt('double@example.test', 'x-password-1', freshIp()), 60);
    expect(second).toBeGreaterThan(50);

    await sql`UPDATE login_throttles SET failures = 40 WHERE key = 'acct:double@example.test'`.execute(
      t.deps.db,
    );
    await unblock.execute(t.deps.db);
    await failTimes(1, 'double@example.test', freshIp());
    const capped = expectRateLimited(
      await attempt('double@example.test', 'x-password-1', freshIp()),
      MAX_BLOCK_SECONDS,
    );
    expect(capped).toBeGreaterThan(MAX_BLOCK_SECONDS - 10);
  });

  it('counts failures within the window only', async () => {
    await newUser('window@example.test');
    await failTimes(PER_ACCOUNT - 1, 'window@example.test', freshIp());
    await sql`UPDATE login_throttles SET window_started_at = window_started_at - make_interval(secs => ${WINDOW_SECONDS + 1})
              WHERE key = 'acct:window@example.test'`.execute(t.deps.db);
    await failTimes(PER_ACCOUNT - 1, 'window@example.test', freshIp());
    expect((await attempt('window@example.test', 'right-password-1', freshIp())).statusCode).toBe(200);
  });

  it('forgets an account’s failures after a successful sign-in', async () => {
    await newUser('reset@example.test');
    const ip = freshIp();
    await failTimes(PER_ACCOUNT - 1, 'reset@example.test', ip);
    expect((await attempt('reset@example.test', 'right-password-1', ip)).statusCode).toBe(200);
    await failTimes(PER_ACCOUNT - 1, 'reset@example.test', ip);
    expect((await attempt('reset@example.test', 'right-password-1', ip)).statusCode).toBe(200);
  });
});

describe('parallel guessing', () => {
  it(`lets at most ${PER_ACCOUNT} of many simultaneous wrong passwords through to the password check`, async () => {
    await newUser('parallel@example.test');
    const results = await Promise.all(
      Array.from({ length: 12 }, () => attempt('parallel@example.test', 'wrong-password-0', freshIp())),
    );
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 401)).toHaveLength(PER_ACCOUNT);
    expect(codes.filter((c) => c === 429)).toHaveLength(12 - PER_ACCOUNT);
  });
});

describe('per-address throttle', () => {
  it(`answers 429 after ${PER_IP} failures from one address across different e-mails; other addresses still sign in`, async () => {
    await newUser('victim@example.test');
    const ip = freshIp();
    for (let i = 0; i < PER_IP; i++) {
      const res = await attempt(`spray${i}@example.test`, 'wrong-password-0', ip);
      expect(res.statusCode).toBe(401);
    }
    expectRateLimited(await attempt('victim@example.test', 'right-password-1', ip), 30);
    expect((await attempt('victim@example.test', 'right-password-1', freshIp())).statusCode).toBe(200);
  });
});

describe('no account enumeration', () => {
  it('answers an unknown e-mail and a wrong password identically', async () => {
    await newUser('known@example.test');
    const unknown = await attempt('nobody@example.test', 'wrong-password-0', freshIp());
    const wrong = await attempt('known@example.test', 'wrong-password-0', freshIp());
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.body).toBe(wrong.body);
    const strip = (h: Record<string, unknown>) => {
      const { 'x-request-id': _id, date: _date, ...rest } = h;
      return rest;
    };
    expect(strip(unknown.headers)).toEqual(strip(wrong.headers));
  });

  it('throttles an unknown e-mail exactly like a known one', async () => {
    await newUser('known2@example.test');
    await failTimes(PER_ACCOUNT, 'ghost@example.test', freshIp());
    await failTimes(PER_ACCOUNT, 'known2@example.test', freshIp());
    const ghost = await attempt('ghost@example.test', 'any-password-1', freshIp());
    const known = await attempt('known2@example.test', 'any-password-1', freshIp());
    expectRateLimited(ghost, 30);
    expectRateLimited(known, 30);
    expect(ghost.json().error.message.replace(/\d+/g, 'N')).toBe(
      known.json().error.message.replace(/\d+/g, 'N'),
    );
  });
});

describe('audit', () => {
  it('records failed and throttled sign-ins as denied on the system chain', async () => {
    await newUser('audited@example.test');
    const ip = freshIp();
    for (let i = 0; i < PER_ACCOUNT; i++)
      await attempt('audited@example.test', 'wrong-password-0', ip, `thr-fail-${i}`);
    await attempt('audited@example.test', 'right-password-1', ip, 'thr-blocked');
    await attempt('nobody-audited@example.test', 'wrong-password-0', freshIp(), 'thr-unknown');

    const rows = await t.deps.db
      .selectFrom('audit_log')
      .select(['project_id', 'request_id', 'action', 'outcome', 'actor_type', 'target_id', 'ip'])
      .where('request_id', 'in', ['thr-fail-0', 'thr-fail-1', 'thr-fail-2', 'thr-blocked', 'thr-unknown'])
      .orderBy('seq')
      .execute();
    expect(rows).toHaveLength(5);
    for (const r of rows) {
      expect(r.project_id).toBe('system');
      expect(r.outcome).toBe('denied');
      expect(r.actor_type).toBe('anonymous');
    }
    expect(rows.map((r) => r.action)).toEqual([
      'auth.login',
      'auth.login',
      'auth.login',
      'auth.login_throttled',
      'auth.login',
    ]);
    expect(rows[0]).toMatchObject({ target_id: 'audited@example.test', ip });
    expect(rows[4]!.target_id).toBe('nobody-audited@example.test');
  });
});
