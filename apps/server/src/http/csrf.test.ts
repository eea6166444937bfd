import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  createTestApp,
  login,
  registeredRoutes,
  seedMembership,
  seedUser,
  type Browser,
  type TestApp,
} from '../../test/test-app';

/**
 * Every state-changing /ops route is found from the app itself, so a route added later is
 * covered without editing this file. Routes that run without a session are exempt from the
 * CSRF token by design, and must be listed here explicitly.
 */
const EXEMPT_FROM_TOKEN = [
  'POST /ops/login',
  'POST /ops/invitations/accept',
  'POST /ops/invitations/accept/form',
  // The signed one-time token in the body is the credential (approvals/approval-link-routes.ts).
  'POST /ops/approval/:approval_id',
];

/** Routes that exist today: guards the route discovery against silently finding nothing. */
const KNOWN = [
  'POST /ops/login',
  'POST /ops/logout',
  'POST /ops/session/project',
  'POST /ops/password',
  'POST /ops/invitations/accept',
  'POST /ops/api/keys',
  'POST /ops/api/keys/:key_id/rotate',
  'POST /ops/api/keys/:key_id/revoke',
  'DELETE /ops/api/keys/:key_id',
  'POST /ops/api/members',
  'PATCH /ops/api/members/:user_id',
  'DELETE /ops/api/members/:user_id',
  'DELETE /ops/api/invitations/:invitation_id',
  'POST /ops/api/delegations',
  'DELETE /ops/api/delegations/:delegation_id',
  'POST /ops/api/workspaces',
  'POST /ops/api/workspaces/:workspace_id/pause',
  'PUT /ops/api/workspaces/:workspace_id/approval-policy',
  'POST /ops/api/join-keys',
  'POST /ops/api/agents/:agent_id/revoke-credentials',
  'POST /ops/api/webhooks',
  'POST /ops/api/discovery/:candidate_id/accept',
  'POST /ops/api/discovery/:candidate_id/reject',
  'PATCH /ops/api/webhooks/:webhook_id',
  'DELETE /ops/api/webhooks/:webhook_id',
  'POST /ops/api/webhooks/:webhook_id/rotate-secret',
  'POST /ops/api/webhooks/:webhook_id/test',
  'POST /ops/api/webhooks/:webhook_id/deliveries/:delivery_id/redeliver',
  'POST /ops/api/templates',
  'PUT /ops/api/templates/:template_id',
  'DELETE /ops/api/templates/:template_id',
  'POST /ops/api/templates/:template_id/promote',
  'POST /ops/api/chats',
  'DELETE /ops/api/chats/:chat_id',
  'POST /ops/api/chats/:chat_id/messages',
  'POST /ops/api/chats/:chat_id/tool-calls',
  'POST /ops/api/chats/:chat_id/answer',
  'POST /ops/api/workspaces/:workspace_id/chat-templates/:template_id/apply',
];

const t: TestApp = await createTestApp({ XEROTIER_APPROVAL_LINK_SECRET: 'c'.repeat(32) });
afterAll(() => t.close());

const stateChanging = registeredRoutes(t.app).filter((r) => /^(POST|PUT|PATCH|DELETE) \/ops\//.test(r));
const guarded = stateChanging.filter((r) => !EXEMPT_FROM_TOKEN.includes(r));
const SAME_ORIGIN = new URL(t.deps.config.baseUrl).origin;

let admin: Browser;
let adminOther: Browser;
let member: Browser;
beforeAll(async () => {
  const m = await seedUser(t, { email: 'member@example.test', password: 'member-password' });
  await seedMembership(t, t.projectId, m.id, 'member');
  admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  adminOther = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  member = await login(t.app, 'member@example.test', 'member-password');
});

let seq = 0;
async function send(route: string, headers: Record<string, string>) {
  const [method, path] = route.split(' ') as ['POST' | 'PUT' | 'PATCH' | 'DELETE', string];
  const requestId = `csrf-test-${++seq}`;
  const res = await t.app.inject({
    method,
    url: path.replace(/:[a-z_]+/g, 'x_nonexistent'),
    headers: { 'x-request-id': requestId, ...headers },
  });
  return { res, requestId };
}

async function expectDeniedAndAudited(
  out: Awaited<ReturnType<typeof send>>,
  code: 'csrf_token_invalid' | 'origin_forbidden',
): Promise<void> {
  expect(out.res.statusCode, out.res.body).toBe(403);
  expect(out.res.json().error.code).toBe(code);
  const rows = await t.deps.db
    .selectFrom('audit_log')
    .select(['outcome', 'action'])
    .where('request_id', '=', out.requestId)
    .execute();
  expect(rows).toEqual([
    {
      outcome: 'denied',
      action: code === 'csrf_token_invalid' ? 'auth.csrf_refused' : 'auth.origin_refused',
    },
  ]);
}

describe('route discovery', () => {
  it('finds every known state-changing /ops route and the exempt ones', () => {
    expect(stateChanging).toEqual(expect.arrayContaining(KNOWN));
    expect(stateChanging).toEqual(expect.arrayContaining(EXEMPT_FROM_TOKEN));
    expect(guarded.length).toBe(stateChanging.length - EXEMPT_FROM_TOKEN.length);
  });
});

describe.each(guarded)('%s', (route) => {
  it('is refused with 403 csrf_token_invalid without the token, and audited as denied', async () => {
    await expectDeniedAndAudited(await send(route, { cookie: admin.cookie }), 'csrf_token_invalid');
    await expectDeniedAndAudited(
      await send(route, { cookie: admin.cookie, 'x-csrf-token': '' }),
      'csrf_token_invalid',
    );
  });

  it("is refused with 403 csrf_token_invalid with another session's token", async () => {
    const ofOtherUser = await send(route, { cookie: admin.cookie, 'x-csrf-token': member.csrf });
    await expectDeniedAndAudited(ofOtherUser, 'csrf_token_invalid');
    const ofOwnOtherSession = await send(route, { cookie: admin.cookie, 'x-csrf-token': adminOther.csrf });
    await expectDeniedAndAudited(ofOwnOtherSession, 'csrf_token_invalid');
  });

  it('is refused with 403 origin_forbidden from a foreign Origin even with a valid token', async () => {
    for (const origin of ['https://evil.example', 'null', `${SAME_ORIGIN}.evil.example`]) {
      const out = await send(route, { cookie: admin.cookie, 'x-csrf-token': admin.csrf, origin });
      await expectDeniedAndAudited(out, 'origin_forbidden');
    }
  });

  it('is refused with 403 origin_forbidden on Sec-Fetch-Site cross-site or same-site even with a valid token', async () => {
    for (const site of ['cross-site', 'same-site']) {
      const out = await send(route, {
        cookie: admin.cookie,
        'x-csrf-token': admin.csrf,
        'sec-fetch-site': site,
      });
      await expectDeniedAndAudited(out, 'origin_forbidden');
    }
  });

  it('passes both checks with its own token from our origin (control)', async () => {
    // A fresh session: the route may end it (logout, password change).
    const b = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const { res } = await send(route, {
      cookie: b.cookie,
      'x-csrf-token': b.csrf,
      origin: SAME_ORIGIN,
      'sec-fetch-site': 'same-origin',
    });
    expect(res.statusCode, res.body).not.toBe(401);
    expect(res.statusCode, res.body).not.toBe(403);
  });
});

describe.each(EXEMPT_FROM_TOKEN)('%s (no session yet: exempt from the token)', (route) => {
  it('is still refused with 403 origin_forbidden from a foreign Origin or cross-site, and audited', async () => {
    await expectDeniedAndAudited(await send(route, { origin: 'https://evil.example' }), 'origin_forbidden');
    await expectDeniedAndAudited(await send(route, { 'sec-fetch-site': 'cross-site' }), 'origin_forbidden');
  });
});

describe('Origin: null (a form post from a no-referrer page)', () => {
  it('passes only when the browser says same-origin; a sandboxed or cross-site opaque origin is refused', async () => {
    const route = 'POST /ops/approval/:approval_id';
    for (const site of ['cross-site', 'same-site', 'none']) {
      const out = await send(route, { origin: 'null', 'sec-fetch-site': site });
      await expectDeniedAndAudited(out, 'origin_forbidden');
    }
    const { res } = await send(route, { origin: 'null', 'sec-fetch-site': 'same-origin' });
    // It reaches the route, which judges the (missing) token itself.
    expect(res.json().error.code, res.body).not.toBe('origin_forbidden');
  });
});

describe('exempt routes work without a token', () => {
  it('POST /ops/login signs in from our origin without any token', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/ops/login',
      headers: { origin: SAME_ORIGIN, 'sec-fetch-site': 'same-origin' },
      payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
  });

  it('POST /ops/login from a foreign Origin does not sign in, even with the right password', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/ops/login',
      headers: { origin: 'https://evil.example' },
      payload: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('origin_forbidden');
    expect(res.cookies).toEqual([]);
  });

  it('POST /ops/invitations/accept reaches the invitation check without a token', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/ops/invitations/accept',
      headers: { origin: SAME_ORIGIN },
      payload: { token: 'no-such-invitation', password: 'some-password-1' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('invitation_invalid');
  });
});

describe('the approval link form', () => {
  it('POST /ops/approval/:id reaches the token check without a session or CSRF token', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/ops/approval/apr_nonexistent',
      headers: { origin: SAME_ORIGIN },
      payload: { token: 'not-a-token', decision: 'approve' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('approval_link_invalid');
  });
});

describe('safe methods', () => {
  it('GET /ops routes need no CSRF token and are not origin-checked', async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/ops/api/members',
      headers: { cookie: admin.cookie, 'sec-fetch-site': 'cross-site' },
    });
    expect(res.statusCode).toBe(200);
  });
});
