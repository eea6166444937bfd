import { XemClient } from '@xem/client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openDashboard, type Dashboard } from '../../../test-support/browser';
import { startServer, type StartedServer } from '../../../test-support/start-server';

let server: StartedServer;
let browser: Browser;
let client: XemClient;
beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  // The public API with an API key, as a script would call it.
  const anon = new XemClient({ baseUrl: server.baseUrl });
  const token = await anon.createToken({
    email: server.adminEmail,
    password: server.adminPassword,
    name: 'operations-e2e',
    scopes: ['execution'],
  });
  client = new XemClient({ baseUrl: server.baseUrl, apiKey: token.key, projectId: token.project_id });
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('Operations tab (headless Chromium, real server and local agent)', () => {
  let d: Dashboard;
  let infoId: string;
  afterAll(() => d?.close());

  const row = (id: string) => d.page.locator(`tr[data-id="${id}"]`);
  const rowStatus = (id: string) => row(id).locator('.badge').first().textContent();

  it('shows an execution started through the API live, until it completes', async () => {
    d = await openDashboard(server, browser);
    await d.login();
    await d.page.goto('/ops/operations');
    await d.page.getByRole('heading', { name: 'Operations' }).waitFor();
    await expect.poll(() => d.page.locator('.conn').getAttribute('data-state')).toBe('live');
    // A marker on the window: it survives only if the page is never reloaded.
    await d.page.evaluate(() => Object.assign(globalThis, { opsNoReload: true }));

    const e = await client.createExecution({ workspace: 'default', tool: 'system_info', args: {} });
    infoId = e.id;
    await row(infoId).waitFor({ timeout: 5_000 });
    await expect.poll(() => rowStatus(infoId)).toBe('completed');
    await expect.poll(() => row(infoId).locator('td').nth(1).textContent()).toBe('system_info');
    expect(
      await d.page.evaluate(() => (globalThis as unknown as { opsNoReload?: boolean }).opsNoReload),
    ).toBe(true);
    await d.shot('operations');
  });

  it('opens the execution modal from the row, with its output, and keeps it across a reload', async () => {
    await row(infoId).click();
    await d.page.waitForURL(new RegExp(`/ops/operations\\?execution=${infoId}$`));
    const detail = d.page.getByTestId('execution-detail');
    await expect.poll(() => detail.getAttribute('data-status')).toBe('completed');
    const output = d.page.getByTestId('execution-output');
    await expect.poll(() => output.textContent()).toMatch(/"hostname"/);
    expect(await detail.textContent()).toContain(infoId);
    expect(await detail.getByRole('group', { name: 'Execution actions' }).count()).toBe(0);
    await d.page.getByRole('tab', { name: 'raw' }).click();
    await expect.poll(() => output.textContent()).toMatch(/"hostname":/);
    await d.shot('execution-modal');

    await d.page.reload();
    await expect
      .poll(() => d.page.getByTestId('execution-detail').getAttribute('data-status'))
      .toBe('completed');
    await expect.poll(() => d.page.getByTestId('execution-output').textContent()).toMatch(/"hostname"/);
    await d.page.keyboard.press('Escape');
    await d.page.waitForURL(/\/ops\/operations$/);
  });

  it('opens a row with the keyboard', async () => {
    await row(infoId).focus();
    await d.page.keyboard.press('Enter');
    await d.page.waitForURL(new RegExp(`execution=${infoId}`));
    await d.page.getByRole('button', { name: 'Close' }).click();
    await d.page.waitForURL(/\/ops\/operations$/);
  });

  it('filters from the URL reach the list, and a live row respects them', async () => {
    const disk = await client.createExecution({ workspace: 'default', tool: 'disk_usage', args: {} });
    await d.page.goto('/ops/operations?tool=disk_usage');
    await row(disk.id).waitFor();
    expect(await row(infoId).count()).toBe(0);
    expect(await d.page.getByLabel('Tool').inputValue()).toBe('disk_usage');

    await d.page.goto('/ops/operations?status=failed,timed_out');
    await d.page.getByText('No executions match these filters').waitFor();

    // The checkbox writes the URL; the server filters.
    await d.page.goto('/ops/operations?status=completed');
    await row(infoId).waitFor();
    await d.page.getByRole('group', { name: 'Risk' }).getByLabel('destructive').check();
    await d.page.waitForURL(/status=completed&risk=destructive|risk=destructive&status=completed/);
    await d.page.getByText('No executions match these filters').waitFor();
    await d.page.getByRole('button', { name: 'Clear filters' }).click();
    await d.page.waitForURL(/\/ops\/operations$/);
    await row(disk.id).waitFor();
    await row(infoId).waitFor();
  });

  it('cancels a pending execution from its modal; it leaves a filtered list live', async () => {
    await d.page.goto('/ops/operations?status=pending_approval');
    await d.page.getByText('No executions match these filters').waitFor();
    // Destructive: the default policy holds it for an approval, so it stays pending.
    const del = await client.createExecution({
      workspace: 'default',
      tool: 'file_delete',
      args: { path: 'nothing-here.txt' },
    });
    await row(del.id).waitFor({ timeout: 5_000 });
    await row(del.id).click();
    const detail = d.page.getByTestId('execution-detail');
    await expect.poll(() => detail.getAttribute('data-status')).toBe('pending_approval');
    await expect.poll(() => detail.getByRole('heading', { name: 'Approval' }).count()).toBe(1);
    expect(await detail.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    await detail.getByRole('button', { name: 'Cancel execution' }).click();
    // The confirmation opens as a second dialog on top of the modal.
    const confirm = d.page.locator('dialog[open]').nth(1);
    await confirm.getByText('will never run').waitFor();
    await confirm.getByRole('button', { name: 'Cancel execution' }).click();
    await expect.poll(() => detail.getAttribute('data-status')).toBe('cancelled');
    await expect.poll(() => detail.textContent()).toMatch(/cancelled by an operator/);
    await expect.poll(() => d.page.locator('dialog[open]').count()).toBe(1);
    // The status filter is pending_approval: the cancelled row leaves the list without a reload.
    await expect.poll(() => row(del.id).count()).toBe(0);
    expect((await client.getExecution(del.id)).status).toBe('cancelled');
    expect(d.errors).toEqual([]);
  });
});
