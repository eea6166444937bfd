import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openDashboard, type Dashboard } from '../../../test-support/browser';
import { startServer, type StartedServer } from '../../../test-support/start-server';

let server: StartedServer;
let browser: Browser;
beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('Settings (headless Chromium, real server)', () => {
  let d: Dashboard;
  afterAll(() => d?.close());

  it('creates an API key, shows its secret once, and revokes it', async () => {
    d = await openDashboard(server, browser);
    await d.login();
    await d.page.getByRole('link', { name: 'Settings' }).click();
    await d.page.getByRole('link', { name: 'Create API key' }).click();
    await d.page.waitForURL(/\/ops\/settings\?dialog=api-key$/);
    const dialog = d.page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('ci-deploy');
    await dialog.getByLabel(/management/).check();
    await dialog.getByRole('button', { name: 'Create key' }).click();
    await d.page.waitForURL(/created=/);
    const secret = await dialog.getByLabel('API key', { exact: true }).textContent();
    expect(secret).toMatch(/^xero_[a-z0-9-]+_\S+$/);
    expect(await dialog.textContent()).toMatch(/will not be shown again/);

    // The secret works against the public API, and is gone after a reload.
    const whoami = await d.page.request.get('/v1/auth/whoami', {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(whoami.status()).toBe(200);
    await d.page.reload();
    await expect.poll(() => d.page.getByRole('dialog').textContent()).toMatch(/cannot be shown again/);
    expect(await d.page.getByRole('dialog').textContent()).not.toContain(secret!);
    await d.page.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
    await d.page.waitForURL(/\/ops\/settings$/);

    const row = d.page.locator('tr[data-api-key="ci-deploy"]');
    await row.getByRole('button', { name: 'Revoke' }).click();
    await d.page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await expect.poll(() => row.locator('.badge').textContent()).toBe('revoked');
    const after = await d.page.request.get('/v1/auth/whoami', {
      headers: { authorization: `Bearer ${secret}` },
    });
    expect(after.status()).toBe(401);
  });

  it('generates a join key and shows the command that starts an agent with it', async () => {
    await d.page.getByRole('link', { name: 'Generate join key' }).click();
    const dialog = d.page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('Rack 4');
    await dialog.getByLabel('Max uses').fill('3');
    await dialog.getByRole('button', { name: 'Generate' }).click();
    await d.page.waitForURL(/dialog=join-key&created=jk_/);
    const key = await dialog.getByLabel('Join key', { exact: true }).textContent();
    expect(key).toMatch(/^xjk_[A-Za-z0-9]{43}$/);
    const command = await dialog.getByLabel(/Start an agent with it/).textContent();
    expect(command).toBe(
      `XEM_ROUTER_URL=${server.baseUrl} XEM_JOIN_KEY=${key} XEM_REGISTRATION_NAME=rack-4 npx xem-agent`,
    );
    expect(await dialog.textContent()).toMatch(/will not be shown again/);
    await d.shot('settings-join-key');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await expect
      .poll(() => d.page.locator('tr[data-join-key]').first().textContent())
      .toMatch(/Rack 4.*active.*0 \/ 3/);
  });

  it('adds a member: an unknown e-mail gets an invitation link shown once', async () => {
    await d.page.getByRole('link', { name: 'Add member' }).click();
    const dialog = d.page.getByRole('dialog');
    await dialog.getByLabel('E-mail').fill('alice@example.test');
    await dialog.getByLabel('Role').selectOption('member');
    await dialog.getByRole('button', { name: 'Add member' }).click();
    const link = await dialog.getByLabel(/Invitation link/).textContent();
    expect(link).toMatch(/\/ops\/invitations\/accept\?token=/);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await d.page.locator('tr[data-invitation="alice@example.test"]').waitFor();
    await d.shot('settings');
    expect(d.errors).toEqual([]);
  });

  it('a member who is not an owner gets the owners-only state', async () => {
    const res = await d.page.evaluate(async () => {
      const session = (await (await fetch('/ops/session')).json()) as { csrf_token: string };
      const r = await fetch('/ops/api/members', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrf_token },
        body: JSON.stringify({
          email: 'bob@example.test',
          role: 'member',
          initial_password: 'bob-password-1234',
        }),
      });
      return r.status;
    }, undefined);
    expect(res).toBe(201);
    const bob = await openDashboard(server, browser);
    try {
      await bob.login('bob@example.test', 'bob-password-1234');
      // An initial password must be changed at the first sign-in.
      const changed = await bob.page.evaluate(async () => {
        const session = (await (await fetch('/ops/session')).json()) as { csrf_token: string };
        const r = await fetch('/ops/password', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrf_token },
          body: JSON.stringify({
            current_password: 'bob-password-1234',
            new_password: 'bob-new-password-5678',
          }),
        });
        return r.status;
      }, undefined);
      expect(changed).toBe(200);
      await bob.page.goto('/ops/settings');
      await bob.page.getByText('Owners only').waitFor();
      expect(await bob.page.getByRole('link', { name: 'Settings' }).count()).toBe(0);
    } finally {
      await bob.close();
    }
  });
});
