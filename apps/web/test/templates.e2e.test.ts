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

const NAME = 'k8s triage e2e';

describe('Templates tab (headless Chromium, real server and local agent)', () => {
  let d: Dashboard;
  let detailUrl = '';
  afterAll(() => d?.close());

  it('creates a template at /ops/templates/new with a tool of the local agent and a tag', async () => {
    d = await openDashboard(server, browser);
    await d.login();
    await d.page.goto('/ops/templates');
    await d.page.getByText('No templates yet').waitFor();
    await d.page.getByRole('link', { name: 'New template' }).click();
    await d.page.waitForURL(/\/ops\/templates\/new$/);

    // Client-side checks mirror the schema: nothing is sent for a bad name.
    await d.page.getByLabel('Name', { exact: true }).fill('-bad name');
    await d.page.getByRole('button', { name: 'Create template' }).click();
    await d.page
      .locator('#tpl-name-error')
      .getByText(/use letters, digits/i)
      .waitFor();
    expect(d.page.url()).toMatch(/\/templates\/new$/);

    await d.page.getByLabel('Name', { exact: true }).fill(NAME);
    await d.page.getByLabel('Description').fill('Read-only triage of a Kubernetes incident.');
    await d.page
      .getByLabel('System prompt')
      .fill('You help on-call engineers triage incidents.\nRead before you act.');
    const echo = d.page.getByRole('checkbox', { name: /^echo\b/ });
    await echo.check();
    await expect
      .poll(() => d.page.getByRole('group', { name: 'Tool catalogue' }).textContent())
      .toMatch(/file_delete/);
    await d.page.getByRole('textbox', { name: 'Other tool by name' }).fill('kubectl_get');
    await d.page.getByRole('textbox', { name: 'Other tool by name' }).press('Enter');
    await d.page.getByRole('radio', { name: /^elevated/ }).check();
    await d.page.getByRole('textbox', { name: 'Tags', exact: true }).fill('sre');
    await d.page.getByRole('textbox', { name: 'Tags', exact: true }).press('Enter');
    await d.page.getByRole('list', { name: 'Tags: chosen' }).getByText('sre').waitFor();
    await d.page.getByRole('button', { name: 'Create template' }).click();

    await d.page.waitForURL(/\/ops\/templates\/tpl_[A-Za-z0-9]+$/);
    detailUrl = new URL(d.page.url()).pathname;
    await d.page.getByRole('heading', { name: NAME }).waitFor();
    await d.page.getByRole('heading', { name: 'Version 1 (current)' }).waitFor();
    const tools = d.page.getByRole('list', { name: 'Allowed tools' });
    await expect.poll(() => tools.textContent()).toMatch(/echo\s*read/);
    await expect.poll(() => tools.textContent()).toMatch(/kubectl_get\s*not offered now/);
    await d.page.reload();
    await d.page.getByRole('heading', { name: NAME }).waitFor();
    await expect.poll(() => tools.textContent()).toMatch(/echo\s*read/);
    await d.shot('template-detail');
  });

  it('lists it with its scope, policy, tool count, tag and version', async () => {
    await d.page.getByRole('link', { name: 'Templates', exact: true }).first().click();
    await d.page.waitForURL(/\/ops\/templates$/);
    const row = d.page.locator('tr', { has: d.page.getByRole('link', { name: NAME }) });
    await expect.poll(() => row.textContent()).toMatch(/project.*elevated\s*2\s*sre\s*v1/);
    await d.page.getByLabel('Name contains').fill('nothing-like-this');
    await d.page.waitForURL(/q=nothing-like-this/);
    await d.page.getByText('No template matches these filters').waitFor();
    await d.page.getByLabel('Name contains').fill('TRIAGE');
    await d.page.waitForURL(/q=TRIAGE/);
    await row.waitFor();
    await d.page.getByLabel('Scope').selectOption('project');
    await d.page.waitForURL(/scope=project/);
    await d.page.reload();
    await row.waitFor();
    expect(await d.page.getByLabel('Name contains').inputValue()).toBe('TRIAGE');
    await d.shot('templates');
  });

  it('shows the server refusal on its field: a second template of the same name', async () => {
    await d.page.goto('/ops/templates/new');
    await d.page.getByLabel('Name', { exact: true }).fill(NAME);
    await d.page.getByRole('button', { name: 'Create template' }).click();
    await d.page
      .locator('#tpl-name-error')
      .getByText(/template_name_taken/)
      .waitFor();
    expect(d.page.url()).toMatch(/\/templates\/new$/);
  });

  it('edits it: version 2 in the versions, an unchanged save stores nothing, version 1 viewable', async () => {
    await d.page.goto(detailUrl);
    await d.page.getByRole('link', { name: 'Edit' }).click();
    await d.page.waitForURL(new RegExp(`${detailUrl}/edit$`));
    await expect.poll(() => d.page.getByLabel('Name', { exact: true }).inputValue()).toBe(NAME);
    await d.page.getByRole('radio', { name: /^restricted/ }).check();
    await d.page.getByRole('textbox', { name: 'Tags', exact: true }).fill('k8s');
    await d.page.getByRole('textbox', { name: 'Tags', exact: true }).press('Enter');
    await d.page.getByRole('button', { name: 'Remove kubectl_get' }).click();
    await d.shot('template-edit');
    await d.page.getByRole('button', { name: 'Save as new version' }).click();
    await d.page.waitForURL(new RegExp(`${detailUrl}$`));
    await d.page.getByRole('heading', { name: 'Version 2 (current)' }).waitFor();
    const versions = d.page.getByRole('table', { name: 'Versions' });
    await expect.poll(() => versions.locator('tbody tr').count()).toBe(2);
    const v2 = versions.locator('tr[data-version="2"]');
    await expect.poll(() => v2.textContent()).toMatch(/approval_policy elevated → restricted/);
    expect(await v2.textContent()).toMatch(/allowed_tools −kubectl_get/);
    expect(await v2.textContent()).toMatch(/tags \+k8s/);
    await d.shot('template-versions');

    await d.page.getByRole('link', { name: 'Edit' }).click();
    await d.page.waitForURL(/\/edit$/);
    await d.page.getByRole('button', { name: 'Save as new version' }).click();
    await d.page
      .getByRole('status')
      .getByText(/Nothing changed.*version 2/)
      .waitFor();
    await d.page.getByRole('link', { name: 'Cancel' }).click();
    await d.page.waitForURL(new RegExp(`${detailUrl}$`));

    await versions.getByRole('link', { name: 'v1' }).click();
    await d.page.waitForURL(/\?version=1$/);
    await d.page.getByRole('heading', { name: 'Version 1 of 2' }).waitFor();
    await d.page.reload();
    await d.page.getByRole('heading', { name: 'Version 1 of 2' }).waitFor();
    await expect.poll(() => d.page.locator('.tpl-kv').textContent()).toMatch(/elevated/);
    expect(await d.page.getByRole('list', { name: 'Allowed tools' }).textContent()).toMatch(/kubectl_get/);
  });

  it('a member (not an owner) sees it read-only: no New, Edit or Delete, a disabled form', async () => {
    const added = await d.page.evaluate(async () => {
      const session = (await (await fetch('/ops/session')).json()) as { csrf_token: string };
      const res = await fetch('/ops/api/members', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrf_token },
        body: JSON.stringify({
          email: 'reader@example.test',
          name: 'Reader',
          role: 'member',
          initial_password: 'reader-initial-pw-1',
        }),
      });
      return res.status;
    });
    expect(added).toBe(201);
    const m = await openDashboard(server, browser);
    try {
      await m.login('reader@example.test', 'reader-initial-pw-1');
      await m.page.waitForURL(/\/ops\/password$/);
      await m.page.getByLabel('Current password').fill('reader-initial-pw-1');
      await m.page.getByLabel(/New password/).fill('reader-own-password-2');
      await m.page.getByRole('button', { name: 'Change password' }).click();
      await m.page.getByRole('status').getByText('Password changed.').waitFor();
      await m.page.goto('/ops/templates');
      await m.page.getByRole('link', { name: NAME }).waitFor();
      expect(await m.page.getByRole('link', { name: 'New template' }).count()).toBe(0);
      await m.page.goto(detailUrl);
      await m.page.getByRole('heading', { name: NAME }).waitFor();
      await m.page.getByText(/Read-only: templates are changed by the project's owners/).waitFor();
      expect(await m.page.getByRole('button', { name: 'Delete' }).count()).toBe(0);
      expect(await m.page.getByRole('link', { name: 'Edit' }).count()).toBe(0);
      await m.page.goto(`${detailUrl}/edit`);
      await m.page
        .getByRole('status')
        .getByText(/Read-only/)
        .waitFor();
      expect(await m.page.getByRole('button', { name: 'Save as new version' }).isDisabled()).toBe(true);
      expect(m.errors).toEqual([]);
    } finally {
      await m.close();
    }
  });

  it('a system admin promotes it to the platform (same template, same versions)', async () => {
    await d.page.goto(detailUrl);
    await d.page.getByRole('button', { name: 'Promote to platform' }).click();
    const dialog = d.page.getByRole('dialog', { name: `Promote “${NAME}” to the platform?` });
    await dialog.getByRole('button', { name: 'Promote to platform' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => d.page.locator('.page-head .badge').first().textContent()).toBe('platform');
    expect(await d.page.getByRole('button', { name: 'Promote to platform' }).count()).toBe(0);
    await expect
      .poll(() => d.page.getByRole('table', { name: 'Versions' }).locator('tbody tr').count())
      .toBe(2);
  });

  it('deletes it from the detail page behind a confirmation naming it; its URL is then not found', async () => {
    await d.page.goto(detailUrl);
    await d.page.getByRole('button', { name: 'Delete' }).click();
    await d.page.waitForURL(/dialog=delete/);
    await d.page.reload();
    const dialog = d.page.getByRole('dialog', { name: `Delete template “${NAME}”?` });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: `Delete “${NAME}”` }).click();
    await d.page.waitForURL(/\/ops\/templates$/);
    await d.page.getByText('No templates yet').waitFor();
    await d.page.goto(detailUrl);
    await d.page.getByText('Template not found').waitFor();
    await d.page.goto(`${detailUrl}/edit`);
    await d.page.getByText('Template not found').waitFor();
    expect(d.errors).toEqual([]);
  });
});
