import type { FastifyRequest } from 'fastify';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorEnvelope } from '@xem/protocol';
import { invoke, person, riskyAgent } from '../test/approval-fixtures';
import { enroll, mintJoinKey } from '../test/fleet-helpers';
import { httpOnce } from '../test/http-once';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  createTestApp,
  login,
  type Browser,
  type TestApp,
} from '../test/test-app';
import { authenticateAgentCredential } from '../src/agents/agent-credentials';
import { mintLinkToken, signLinkToken, verifyLinkToken, type LinkClaims } from '../src/approvals/link-token';
import { lastEventIdOf } from '../src/events/stream-routes';
import { AppError } from '../src/http/app-error';
import { authenticateKey } from '../src/keys/authenticate-key';
import { findLiveSession } from '../src/sessions/session-store';
import { fuzzSeed, scaled } from './fuzz-scale';
import { mutations, type Mutation } from './mutations';

const SECRET = 'fuzz-approval-link-secret-0123456789abcdef';
const seed = fuzzSeed();
const figures = new Map<string, { mutations: number; requests: number }>();

function count(what: string, requests = 0): void {
  const f = figures.get(what) ?? { mutations: 0, requests: 0 };
  f.mutations += 1;
  f.requests += requests;
  figures.set(what, f);
}

let t: TestApp;
let origin: string;
let admin: Browser;
let sessionId: string;
let ownerKey: string;
let agentCredential: string;
let approvalId: string;
let linkToken: string;

beforeAll(async () => {
  t = await createTestApp({ XEROTIER_APPROVAL_LINK_SECRET: SECRET });
  origin = await t.app.listen({ host: '127.0.0.1', port: 0 });
  admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  sessionId = admin.cookie.slice(admin.cookie.indexOf('=') + 1);
  ownerKey = (await person(t, 'owner')).key;
  agentCredential = (await enroll(t, (await mintJoinKey(t, admin)).key, 'fuzz-agent')).credential;
  await riskyAgent(t);
  approvalId = (await invoke(t, ownerKey, 'drain_node')).approval_id!;
  const approval = await t.deps.db
    .selectFrom('approvals')
    .selectAll()
    .where('id', '=', approvalId)
    .executeTakeFirstOrThrow();
  linkToken = await mintLinkToken(t.deps.db, SECRET, approval, 'reviewer@example.test');
}, 120_000);

afterAll(async () => {
  const lines = [...figures].map(([w, f]) => `  ${w}: ${f.mutations} mutations, ${f.requests} requests`);
  const total = [...figures.values()].reduce((a, f) => ({ m: a.m + f.mutations, r: a.r + f.requests }), {
    m: 0,
    r: 0,
  });
  process.stdout.write(
    `\ncredential fuzz (seed ${seed}): ${total.m} mutations, ${total.r} requests\n${lines.join('\n')}\n`,
  );
  await t.close();
});

const opts = (full: number) => ({ numRuns: scaled(full), seed, endOnFailure: true });

/** Mutations that change the string (an edit can give back the original, e.g. re-lowercasing). */
const changed = (original: string) =>
  mutations.map((m: Mutation) => m(original)).filter((v) => v !== original);

describe('one-time approval link tokens', () => {
  const now = Math.floor(Date.now() / 1000);
  const claims: LinkClaims = {
    aid: 'apr_fuzzfuzzfuzzfuzzfuzzfu',
    pid: 'proj_fuzz',
    stage: 0,
    sub: 'reviewer@example.test',
    exp: now + 3600,
    jti: 'abcdefghijklmnopqrstuvwx',
  };
  const token = signLinkToken(SECRET, claims);

  it("the genuine token verifies (so the refusals below are the mutations' doing)", () => {
    expect(verifyLinkToken(SECRET, token, claims.aid, now)).toEqual(claims);
  });

  it('no mutation of a token verifies', () => {
    fc.assert(
      fc.property(changed(token), (mutated) => {
        count('link token (verifier)');
        expect(verifyLinkToken(SECRET, mutated, claims.aid, now)).toBeNull();
      }),
      opts(20_000),
    );
  });

  it('claims changed and signed with another secret, or with extra fields, or for another approval, never verify', () => {
    const altered = fc.record({
      aid: fc.oneof(fc.constant(claims.aid), fc.string({ minLength: 1, maxLength: 64 })),
      pid: fc.string({ minLength: 1, maxLength: 64 }),
      stage: fc.integer({ min: 0, max: 100 }),
      sub: fc.emailAddress(),
      exp: fc.integer({ min: 1, max: now + 10_000 }),
      jti: fc.string({ minLength: 16, maxLength: 64 }),
    });
    fc.assert(
      fc.property(altered, fc.string({ minLength: 1, maxLength: 64 }), fc.nat(3), (c, otherSecret, how) => {
        count('link token (forged claims)');
        const forged =
          how === 0
            ? signLinkToken(otherSecret === SECRET ? `${SECRET}x` : otherSecret, c)
            : how === 1
              ? signLinkToken(SECRET, { ...c, extra: true } as LinkClaims)
              : how === 2
                ? signLinkToken(SECRET, { ...c, aid: `${claims.aid}x` })
                : signLinkToken(SECRET, { ...c, aid: claims.aid, exp: now });
        expect(verifyLinkToken(SECRET, forged, claims.aid, now)).toBeNull();
      }),
      opts(5_000),
    );
  });

  it('over HTTP: the real link opens, no mutation of it does', async () => {
    const open = (tok: string) =>
      t.app.inject({ method: 'GET', url: `/ops/approval/${approvalId}?token=${encodeURIComponent(tok)}` });
    expect((await open(linkToken)).statusCode).toBe(200);
    await fc.assert(
      fc.asyncProperty(changed(linkToken), async (mutated) => {
        count('link token (GET /ops/approval)', 1);
        const res = await open(mutated);
        expect(res.statusCode, mutated).toBeGreaterThanOrEqual(400);
        expect(res.statusCode).toBeLessThan(500);
      }),
      opts(1_500),
    );
    expect((await open(linkToken)).statusCode).toBe(200);
  });
});

describe('API keys', () => {
  it('the genuine key authenticates', async () => {
    expect(await authenticateKey(t.deps.db, ownerKey)).not.toBeNull();
  });

  it('no mutation of a key authenticates', async () => {
    await fc.assert(
      fc.asyncProperty(changed(ownerKey), async (mutated) => {
        count('API key (authenticateKey)');
        expect(await authenticateKey(t.deps.db, mutated)).toBeNull();
      }),
      opts(5_000),
    );
  });

  it('over HTTP: an Authorization header is accepted only when it carries the key exactly', async () => {
    const header = `Bearer ${ownerKey}`;
    await fc.assert(
      fc.asyncProperty(changed(header), async (mutated) => {
        count('API key (Authorization header)', 1);
        let res;
        try {
          res = await t.app.inject({
            method: 'GET',
            url: '/v1/auth/whoami',
            headers: { authorization: mutated },
          });
        } catch {
          return; // A header Node refuses to send (control characters) never reaches the server.
        }
        const exact = new RegExp(`^Bearer\\s+${ownerKey}\\s*$`, 'i').test(mutated);
        if (res.statusCode === 200) expect(exact, mutated).toBe(true);
        else {
          expect(res.statusCode).toBe(401);
          ErrorEnvelope.parse(res.json());
        }
      }),
      opts(2_000),
    );
  });
});

describe('session cookies', () => {
  it('the genuine session is live', async () => {
    expect(await findLiveSession(t.deps.db, sessionId, 3600)).toBeDefined();
  });

  it('no mutation of a session id finds a session', async () => {
    await fc.assert(
      fc.asyncProperty(changed(sessionId), async (mutated) => {
        count('session id (findLiveSession)');
        expect(await findLiveSession(t.deps.db, mutated, 3600)).toBeUndefined();
      }),
      opts(5_000),
    );
  });

  it('over HTTP: a Cookie header signs in only when it carries the session id exactly', async () => {
    const [name] = admin.cookie.split('=') as [string];
    await fc.assert(
      fc.asyncProperty(changed(admin.cookie), async (mutated) => {
        count('session cookie (GET /ops/session)', 1);
        let res;
        try {
          res = await t.app.inject({ method: 'GET', url: '/ops/session', headers: { cookie: mutated } });
        } catch {
          return;
        }
        if (res.statusCode === 200) {
          const values = mutated.split(';').map((p) => p.trim());
          const carries = values.some((p) => {
            const eq = p.indexOf('=');
            if (eq < 0 || p.slice(0, eq).trim() !== name) return false;
            try {
              return decodeURIComponent(p.slice(eq + 1).trim()) === sessionId;
            } catch {
              return false;
            }
          });
          expect(carries, mutated).toBe(true);
        } else {
          expect(res.statusCode).toBe(401);
          ErrorEnvelope.parse(res.json());
        }
      }),
      opts(2_000),
    );
  });
});

describe('agent credentials', () => {
  it('no mutation of an agent credential authenticates', async () => {
    expect(await authenticateAgentCredential(t.deps.db, agentCredential)).not.toBeNull();
    await fc.assert(
      fc.asyncProperty(changed(agentCredential), async (mutated) => {
        count('agent credential');
        expect(await authenticateAgentCredential(t.deps.db, mutated)).toBeNull();
      }),
      opts(3_000),
    );
  });
});

describe('Last-Event-ID', () => {
  const parse = (value: string) =>
    lastEventIdOf({ headers: { 'last-event-id': value } } as unknown as FastifyRequest, undefined);
  const MAX_ID = 2n ** 63n - 1n;
  const candidates = fc.oneof(
    fc.bigInt({ min: 0n, max: 10n ** 19n - 1n }).map(String),
    fc.bigInt({ min: 0n, max: MAX_ID }).chain((n) => mutations.map((m) => m(String(n)))),
    fc.string({ maxLength: 30 }),
    fc.constantFrom(
      '-1',
      '+1',
      '1e3',
      '0x10',
      ' 1',
      '1 ',
      '１２',
      '٣',
      '9223372036854775807',
      '9223372036854775808',
      '9999999999999999999',
      '00000000000000000001',
    ),
  );

  it('the parser accepts only event ids: digits that fit an int8', () => {
    fc.assert(
      fc.property(candidates, (value) => {
        count('Last-Event-ID (parser)');
        let parsed: bigint | null;
        try {
          parsed = parse(value);
        } catch (err) {
          expect(err).toBeInstanceOf(AppError);
          expect((err as AppError).code).toBe('invalid_header');
          return;
        }
        if (value === '') {
          expect(parsed).toBeNull();
        } else {
          expect(value).toMatch(/^[0-9]+$/);
          expect(parsed! <= MAX_ID, value).toBe(true);
        }
      }),
      opts(20_000),
    );
  });

  it('over HTTP: a stream answers any Last-Event-ID with the stream or 400 invalid_header, never 5xx', async () => {
    const projectId = t.projectId;
    await fc.assert(
      fc.asyncProperty(candidates, async (value) => {
        count('Last-Event-ID (stream)', 1);
        let res;
        try {
          res = await httpOnce(origin, 'GET', `/${projectId}/v1/exec/executions/stream`, {
            authorization: `Bearer ${ownerKey}`,
            'last-event-id': value,
          });
        } catch (err) {
          if (err instanceof TypeError) return; // Node refuses the header value itself
          throw err;
        }
        if (res.status === 200) expect(value.trim()).toMatch(/^[0-9]*$/);
        else expect(res.status, `${value}: ${res.body}`).toBe(400);
      }),
      opts(600),
    );
  });
});
