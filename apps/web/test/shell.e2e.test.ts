import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openDashboard, type Dashboard } from '../../../test-support/browser';
import { startServer, type StartedServer } from '../../../test-support/start-server';
import type { Browser } from 'playwright-core';

let server: StartedServer;
let browser: Browser;
beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('dashboard shell (headless Chromium, real server and local agent)', () => {
  let d: Dashboard;
  afterAll(() => d?.close());

  it('sends a visitor without a session to the login, then back to the page they asked for', async () => {
    d = await openDashboard(server, browser);
    await d.page.goto('/ops/fleet?status=online');
    await d.page.waitForURL(/\/ops\/login\?next=/);
    await d.page.getByLabel('E-mail').fill(server.adminEmail);
    await d.page.getByLabel('Password').fill('wrong-password-123');
    await d.page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => d.page.getByRole('alert').textContent()).toMatch(/e-mail or password/i);
    await d.page.getByLabel('Password').fill(server.adminPassword);
    await d.page.getByRole('button', { name: 'Sign in' }).click();
    await d.page.waitForURL(/\/ops\/fleet\?status=online$/);
    await d.page.locator('.topbar').waitFor();
  });

  it('shows the overview with the local agent online and a live connection', async () => {
    await d.page.goto('/ops/');
    const agents = d.page.getByRole('link', { name: /Agents online/ });
    await expect.poll(() => agents.locator('.stat-value').textContent()).toBe('1');
    await expect.poll(() => d.page.locator('.conn').getAttribute('data-state')).toBe('live');
    await d.shot('overview');
    await agents.click();
    await d.page.waitForURL(/\/ops\/fleet\?status=online$/);
  });

  it('every tab is a URL that survives a reload', async () => {
    for (const [tab, path] of [
      ['Operations', '/ops/operations'],
      ['Fleet', '/ops/fleet'],
      ['Graph', '/ops/graph'],
      ['Templates', '/ops/templates'],
      ['Approvals', '/ops/approvals'],
      ['Agents', '/ops/agents'],
    ] as const) {
      await d.page.getByRole('navigation', { name: 'Dashboard' }).getByRole('link', { name: tab }).click();
      await d.page.waitForURL(new RegExp(`${path}$`));
      await d.page.reload();
      await expect
        .poll(() => d.page.getByRole('link', { name: tab, exact: true }).getAttribute('aria-current'))
        .toBe('page');
    }
  });

  it('a request from the page without the CSRF token is refused, with the token it passes', async () => {
    const res = await d.page.evaluate(async () => {
      const bare = await fetch('/ops/api/join-keys', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'no-token' }),
      });
      const session = (await (await fetch('/ops/session')).json()) as { csrf_token: string };
      const withToken = await fetch('/ops/api/join-keys', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrf_token },
        body: JSON.stringify({ name: 'with-token' }),
      });
      return {
        bare: bare.status,
        code: ((await bare.json()) as { error: { code: string } }).error.code,
        ok: withToken.status,
      };
    });
    expect(res).toEqual({ bare: 403, code: 'csrf_token_invalid', ok: 201 });
  });

  it('an unknown page shows the not-found state; an unknown /ops/api path is a JSON 404', async () => {
    await d.page.goto('/ops/no-such-page');
    await d.page.getByText('Nothing here').waitFor();
    const api = await d.page.request.get('/ops/api/no-such-route');
    expect(api.status()).toBe(404);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('signs out: the session ends and the dashboard asks for a login again', async () => {
    await d.page.goto('/ops/');
    await d.page.getByRole('button', { name: 'Sign out' }).click();
    await d.page.waitForURL(/\/ops\/login/);
    await d.page.goto('/ops/operations');
    await d.page.waitForURL(/\/ops\/login\?next=/);
    expect(d.errors).toEqual([]);
  });
});
