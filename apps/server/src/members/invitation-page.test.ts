import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  createTestApp,
  login,
  opsRequest,
  type Browser,
  type TestApp,
} from '../../test/test-app';

let t: TestApp;
let owner: Browser;
beforeAll(async () => {
  t = await createTestApp();
  owner = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
});
afterAll(() => t.close());

async function inviteUrl(email: string): Promise<URL> {
  const res = await opsRequest(t.app, owner, 'POST', '/ops/api/members', { email, role: 'member' });
  expect(res.statusCode, res.body).toBe(201);
  return new URL(res.json().invite_url);
}

function submit(form: Record<string, string>, headers: Record<string, string> = {}) {
  return t.app.inject({
    method: 'POST',
    url: '/ops/invitations/accept/form',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(form).toString(),
  });
}

describe('the invitation link page', () => {
  it('opens the link: shows project, e-mail and role in a form, uncached, without scripts', async () => {
    const url = await inviteUrl('page-visitor@example.test');
    expect(url.pathname).toBe('/ops/invitations/accept');
    const res = await t.app.inject({ method: 'GET', url: `${url.pathname}${url.search}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.body).toContain('Default project');
    expect(res.body).toContain('page-visitor@example.test');
    expect(res.body).toContain('action="/ops/invitations/accept/form"');
    expect(res.body).not.toContain('<script');
    // Opening the link decides nothing.
    const inv = await t.deps.db
      .selectFrom('invitations')
      .selectAll()
      .where('email', '=', 'page-visitor@example.test')
      .executeTakeFirstOrThrow();
    expect(inv.accepted_at).toBeNull();
  });

  it('answers an unknown token with a 400 page', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/ops/invitations/accept?token=nope' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Invitation not valid');
  });

  it('joins through the form once: creates the account, then refuses the same link', async () => {
    const url = await inviteUrl('form-joiner@example.test');
    const token = url.searchParams.get('token')!;
    const ok = await submit({ token, name: 'Form <Joiner>', password: 'form-password-1' });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.body).toContain('form-joiner@example.test is now a member');
    const user = await t.deps.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', 'form-joiner@example.test')
      .executeTakeFirstOrThrow();
    expect(user.name).toBe('Form <Joiner>');
    await login(t.app, 'form-joiner@example.test', 'form-password-1');
    const again = await submit({ token, password: 'form-password-1' });
    expect(again.statusCode).toBe(400);
    expect(again.body).toContain('not valid');
  });

  it('escapes what it shows and refuses a cross-site form post', async () => {
    await t.deps.db
      .updateTable('projects')
      .set({ name: '<b>Ops & "Co"</b>' })
      .where('id', '=', t.projectId)
      .execute();
    const url = await inviteUrl('escaper@example.test');
    const page = await t.app.inject({ method: 'GET', url: `${url.pathname}${url.search}` });
    expect(page.body).toContain('&#60;b&#62;Ops &#38; &#34;Co&#34;&#60;/b&#62;');
    expect(page.body).not.toContain('<b>Ops');
    const res = await submit(
      { token: url.searchParams.get('token')!, password: 'form-password-1' },
      { origin: 'https://evil.example' },
    );
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('origin_forbidden');
  });

  it('keeps form bodies out of every JSON route', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/ops/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'email=a&password=b',
    });
    expect(res.statusCode).toBe(415);
  });
});
