import { createServer, type Server } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openDashboard, type Dashboard } from '../../../test-support/browser';
import { startServer, type StartedServer } from '../../../test-support/start-server';

let server: StartedServer;
let browser: Browser;
const listeners: Server[] = [];
const ports: number[] = [];

async function listen(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  listeners.push(s);
  return (s.address() as { port: number }).port;
}

beforeAll(async () => {
  // Open before the local agent starts: its first scan (on the router's welcome) reports them.
  ports.push(await listen(), await listen());
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
  for (const s of listeners) s.close();
});

describe('Agents → Discovery (headless Chromium, real server and local agent)', () => {
  let d: Dashboard;
  afterAll(() => d?.close());

  it('lists listeners the local agent found; an owner accepts one and rejects one with a reason; the Graph shows the accepted one', async () => {
    d = await openDashboard(server, browser);
    await d.login();
    await d.page.goto('/ops/agents');
    await d.page.getByRole('link', { name: 'Discovery' }).click();
    await d.page.waitForURL(/\/ops\/agents\/discovery/);
    const [keep, drop] = ports.map((p) => d.page.locator(`tr[data-address="127.0.0.1:${p}"]`)) as [
      ReturnType<typeof d.page.locator>,
      ReturnType<typeof d.page.locator>,
    ];
    // Live: the rows appear when the agent's report arrives, without a reload.
    await keep.waitFor({ timeout: 30_000 });
    await drop.waitFor();
    const keepId = (await keep.getAttribute('data-candidate'))!;
    await d.shot('discovery-pending');

    await keep.getByRole('button', { name: 'Accept' }).click();
    await keep.waitFor({ state: 'detached' });
    const reject = drop.getByRole('button', { name: 'Reject' });
    expect(await reject.isDisabled()).toBe(true);
    await drop.getByLabel('Reason (required to reject)').fill('a test port');
    await reject.click();
    await drop.waitFor({ state: 'detached' });

    await d.page.getByRole('link', { name: 'rejected', exact: true }).click();
    await expect.poll(() => drop.textContent()).toContain('a test port');
    await d.page.getByRole('link', { name: 'accepted', exact: true }).click();
    await expect.poll(() => keep.textContent()).toContain('accepted');

    await d.page.goto('/ops/graph');
    const nodes = d.page.getByRole('region', { name: 'Nodes' });
    await nodes.locator(`li[data-node="${keepId}"]`).waitFor();
    const legend = d.page.getByRole('region', { name: 'Legend' });
    expect(
      await legend.locator('li[data-kind=component][data-state=tcp_listener]').getAttribute('data-count'),
    ).toBe('1');
    await d.shot('discovery-graph');
    expect(d.errors).toEqual([]);
  });
});
