import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

/** Calls a dashboard JSON route from the page, with the session's CSRF token. */
async function call(
  page: Page,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  return page.evaluate(
    async ({ method, path, body }) => {
      const session = (await (await fetch('/ops/session')).json()) as { csrf_token: string };
      const res = await fetch(path, {
        method,
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrf_token },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: await res.json() };
    },
    { method, path, body },
  );
}

/**
 * Distinct colours in a screenshot of the canvas, decoded by the page itself (an <img> from a data:
 * URL drawn on a 2D canvas). The function runs in the page, so it is source text here.
 */
async function canvasColours(page: Page): Promise<number> {
  const png = (await page.getByTestId('graph-canvas').screenshot()).toString('base64');
  return page.evaluate<number>(`(async () => {
    const img = new Image();
    img.src = 'data:image/png;base64,${png}';
    await img.decode();
    const c = document.createElement('canvas');
    c.width = img.width;
    c.height = img.height;
    const ctx = c.getContext('2d');
    ctx.drawImage(img, 0, 0);
    const px = ctx.getImageData(0, 0, c.width, c.height).data;
    const seen = new Set();
    for (let i = 0; i < px.length; i += 4) seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
    return seen.size;
  })()`);
}

describe('Graph tab (headless Chromium, real server and local agent)', () => {
  let d: Dashboard;
  let agent: { id: string; registration_name: string };
  let toolCount: number;
  afterAll(() => d?.close());

  it('draws the local agent, its workspace and its tools, with a pending approval on its tool', async () => {
    d = await openDashboard(server, browser);
    await d.login();
    // The local agent enrolls and publishes its manifest shortly after the server starts.
    const tools = async () =>
      ((await call(d.page, 'GET', '/ops/api/tools')).json as { data: unknown[] }).data.length;
    await expect.poll(tools, { timeout: 20_000 }).toBeGreaterThan(5);
    toolCount = await tools();
    const agents = (await call(d.page, 'GET', '/ops/api/agents')).json as { data: (typeof agent)[] };
    agent = agents.data[0]!;
    // file_delete is destructive: by default it waits for an approval.
    const created = await call(d.page, 'POST', '/ops/api/executions', {
      workspace: 'default',
      tool: 'file_delete',
      args: { path: 'graph-e2e.txt' },
    });
    expect(created.status).toBe(201);

    await d.page.goto('/ops/graph');
    const canvas = d.page.getByTestId('graph-canvas');
    await expect.poll(() => canvas.getAttribute('data-nodes')).toBe(String(1 + 1 + toolCount));
    expect(await d.page.getByTestId('graph-summary').textContent()).toMatch(
      new RegExp(`1 workspaces · 1 agents · ${toolCount} tools · \\d+ running · 1 pending approvals`),
    );
    const legend = d.page.getByRole('region', { name: 'Legend' });
    expect(await legend.locator('li[data-kind=agent][data-state=online]').getAttribute('data-count')).toBe(
      '1',
    );
    expect(
      await legend.locator('li[data-kind=workspace][data-state=active]').getAttribute('data-count'),
    ).toBe('1');
    expect(
      await legend.locator('li[data-kind=tool][data-state=irreversible]').getAttribute('data-count'),
    ).toBe('1');
    expect(await legend.locator('li[data-overlay=pending]').getAttribute('data-count')).toBe('1');
    const nodes = d.page.getByRole('region', { name: 'Nodes' });
    await expect
      .poll(() => nodes.locator('li[data-node="tool:file_delete"]').textContent())
      .toContain('1 pending');
    await expect
      .poll(() => nodes.locator(`li[data-node="${agent.id}"]`).textContent())
      .toContain(agent.registration_name);
    // WebGL drew something: far more than the background colour alone.
    await expect.poll(() => canvasColours(d.page)).toBeGreaterThan(20);
    // The layout settles and stops (it runs in a worker from /ops/assets under the CSP).
    await expect
      .poll(() => d.page.locator('.graph-stage').getAttribute('data-layout'), { timeout: 20_000 })
      .toBe('idle');
    expect(d.errors).toEqual([]);
  });

  it('focusing the agent highlights what it can touch, in the URL, across a reload', async () => {
    await d.page.getByRole('button', { name: `Focus agent ${agent.registration_name}` }).click();
    await d.page.waitForURL((u) => u.searchParams.get('focus') === agent.id);
    const panel = d.page.getByTestId('graph-focus');
    await expect.poll(() => panel.textContent()).toContain(`1 workspace(s), ${toolCount} tool(s)`);
    await d.page.reload();
    await expect.poll(() => d.page.getByTestId('graph-canvas').getAttribute('data-focus')).toBe(agent.id);
    await expect
      .poll(() =>
        d.page
          .getByRole('button', { name: `Focus agent ${agent.registration_name}` })
          .getAttribute('aria-pressed'),
      )
      .toBe('true');
    await expect
      .poll(() => d.page.locator('.graph-stage').getAttribute('data-layout'), { timeout: 20_000 })
      .toBe('idle');
    await d.shot('graph');
  });

  it('updates live in place: a second pending approval shows up without a reload', async () => {
    const before = await d.page.locator('.graph-badge[data-node="tool:file_delete"]').boundingBox();
    const created = await call(d.page, 'POST', '/ops/api/executions', {
      workspace: 'default',
      tool: 'file_delete',
      args: { path: 'graph-e2e-2.txt' },
    });
    expect(created.status).toBe(201);
    const nodes = d.page.getByRole('region', { name: 'Nodes' });
    await expect
      .poll(() => nodes.locator('li[data-node="tool:file_delete"]').textContent())
      .toContain('2 pending');
    await expect.poll(() => d.page.locator('li[data-overlay=pending]').getAttribute('data-count')).toBe('2');
    // Same structure: the layout did not restart, so the node stayed where it was (the camera
    // refits by a pixel or two because the busier node is drawn larger; a restart moves it far).
    const after = await d.page.locator('.graph-badge[data-node="tool:file_delete"]').boundingBox();
    expect(Math.abs(after!.x - before!.x) + Math.abs(after!.y - before!.y)).toBeLessThan(8);
  });

  it('hovering a node shows its details; clicking it opens the object', async () => {
    await d.page.getByRole('button', { name: 'Clear focus' }).click();
    await d.page.waitForURL((u) => !u.searchParams.has('focus'));
    // The badge sits on its node: its transform is the node's position on the canvas.
    const badge = d.page.locator('.graph-badge[data-node="tool:file_delete"]');
    const transform = await badge.evaluate(
      (el) => (el as unknown as { style: { transform: string } }).style.transform,
    );
    const m = /translate\((-?\d+)px, (-?\d+)px\)/.exec(transform)!;
    const layer = (await d.page.locator('.graph-badges').boundingBox())!;
    const at = { x: layer.x + Number(m[1]), y: layer.y + Number(m[2]) };
    await d.page.mouse.move(at.x, at.y);
    const tip = d.page.getByRole('tooltip');
    await expect.poll(() => tip.textContent()).toContain('file_delete');
    expect(await tip.textContent()).toContain('2 pending approvals');
    await d.page.mouse.click(at.x, at.y);
    await d.page.waitForURL(/\/ops\/operations\?tool=file_delete$/);

    await d.page.goto('/ops/graph');
    await d.page.getByRole('link', { name: `Open agent ${agent.registration_name}` }).click();
    await d.page.waitForURL(new RegExp(`/ops/agents/${agent.id}/workspaces$`));
    expect(d.errors).toEqual([]);
  });
});
