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

describe('Fleet, agent and workspace pages (headless Chromium, real server and local agent)', () => {
  let d: Dashboard;
  afterAll(() => d?.close());
  let workspacePath = '';
  const row = () => d.page.locator('tr[data-agent]').first();
  const status = () => row().locator('td').nth(1).locator('.badge').first().textContent();

  it('shows the local agent online with its tool count and a ticking heartbeat', async () => {
    d = await openDashboard(server, browser);
    await d.login();
    await d.page.goto('/ops/fleet');
    await expect.poll(status).toBe('online');
    const tools = Number(await row().locator('[data-col="tools"]').textContent());
    expect(tools).toBeGreaterThan(0);
    const heartbeat = row().locator('[data-col="heartbeat"] time');
    const first = await heartbeat.textContent();
    expect(first).toMatch(/s ago$/);
    await expect.poll(() => heartbeat.textContent(), { timeout: 5_000 }).not.toBe(first);
    await d.shot('fleet');
  });

  it('pauses the agent behind a confirmation, sees it paused, and resumes it', async () => {
    await row().getByRole('button', { name: 'Pause' }).click();
    const dialog = d.page.getByRole('dialog');
    await expect.poll(() => dialog.textContent()).toMatch(/No new executions are dispatched/);
    await dialog.getByLabel('Reason (optional)').fill('e2e maintenance');
    await dialog.getByRole('button', { name: 'Pause agent' }).click();
    await expect.poll(status).toBe('paused');
    await expect.poll(() => row().textContent()).toContain('e2e maintenance');
    await row().getByRole('button', { name: 'Resume' }).click();
    await d.page.getByRole('dialog').getByRole('button', { name: 'Resume agent' }).click();
    await expect.poll(status).toBe('online');
  });

  it('a pause made elsewhere (the API) reaches the open page live, without a reload', async () => {
    const agentId = await row().getAttribute('data-agent-id');
    const navigations: string[] = [];
    d.page.on('framenavigated', (f) => navigations.push(f.url()));
    const res = await d.page.evaluate(async (id) => {
      const session = (await (await fetch('/ops/session')).json()) as { csrf_token: string };
      const r = await fetch(`/ops/api/agents/${id}/pause-exec`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrf_token },
        body: JSON.stringify({ reason: 'paused by a script' }),
      });
      return r.status;
    }, agentId);
    expect(res).toBe(200);
    await expect.poll(status).toBe('paused');
    await expect.poll(() => row().textContent()).toContain('paused by a script');
    expect(navigations).toEqual([]);
    await row().getByRole('button', { name: 'Resume' }).click();
    await d.page.getByRole('dialog').getByRole('button', { name: 'Resume agent' }).click();
    await expect.poll(status).toBe('online');
  });

  it('clicks through to the agent workspaces and a workspace; each page survives a reload', async () => {
    await row().click();
    await d.page.waitForURL(/\/ops\/agents\/agt_[^/]+\/workspaces$/);
    const ws = d.page.locator('[data-workspace]').first();
    await ws.waitFor();
    await expect.poll(() => ws.locator('tbody tr').count()).toBeGreaterThan(0);
    await d.page.reload();
    await ws.waitFor();
    await d.shot('agent-workspaces');

    await ws.getByRole('link').first().click();
    await d.page.waitForURL(/\/ops\/workspaces\/ws_[^/]+$/);
    workspacePath = new URL(d.page.url()).pathname;
    await d.page.getByRole('heading', { name: 'Approval policy' }).waitFor();
    await d.page.reload();
    await d.page.getByRole('heading', { name: /Agents \(1\)/ }).waitFor();
    await expect.poll(() => d.page.getByText('not required').count()).toBeGreaterThan(0);
    await d.shot('workspace');

    await d.page.getByRole('link', { name: 'versions' }).click();
    await d.page.waitForURL(/policy=versions/);
    await d.page.getByRole('dialog').getByRole('link', { name: 'v0 (default)' }).click();
    await d.page.waitForURL(/policy=versions&version=0$/);
    await d.page.reload();
    await expect.poll(() => d.page.getByRole('dialog').textContent()).toMatch(/Version 0/);
  });

  it('the Agents tab shows the enrollment of the selected agent and saves its description', async () => {
    await d.page.goto('/ops/agents');
    const detail = d.page.getByLabel(/^Agent /);
    await expect.poll(() => detail.textContent()).toMatch(/Credentialsactive/);
    await detail.getByLabel('Description').fill('rack 7, slot 2');
    await detail.getByRole('button', { name: 'Save description' }).click();
    await detail.getByText('Saved.').waitFor();
    await d.page.reload();
    await expect.poll(() => detail.getByLabel('Description').inputValue()).toBe('rack 7, slot 2');
    await d.shot('agents');
  });

  it('a chat that does not exist says so and links back to its workspace', async () => {
    await d.page.goto(`${workspacePath}/chats/chat_123`);
    await d.page.getByText('No such chat').waitFor();
    await d.page.getByRole('link', { name: 'Back to the workspace' }).click();
    await d.page.waitForURL((u) => u.pathname === workspacePath);
  });
});
