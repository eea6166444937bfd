import type { XemClient } from '@xem/client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openDashboard, type Dashboard } from '../../../test-support/browser';
import { startServer, type StartedServer } from '../../../test-support/start-server';
import {
  clientAs,
  defaultWorkspaceId,
  inviteMember,
  ownerLevel,
  waitForStatus,
  waitForTool,
} from './approval-e2e-fixtures';

const REQUESTER = 'requester@example.test';
const REQUESTER_PASSWORD = 'requester-password-123';

let server: StartedServer;
let browser: Browser;
/** The admin (an owner): decides in the browser. */
let admin: XemClient;
/** A member with an API key: asks for the risky runs, and may not decide them. */
let requester: XemClient;

// Starting a server and its agent on a busy machine can take most of the default minute.
beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
  admin = await clientAs(server, server.adminEmail, server.adminPassword);
  await inviteMember(server, admin, REQUESTER, REQUESTER_PASSWORD);
  requester = await clientAs(server, REQUESTER, REQUESTER_PASSWORD, ['execution']);
  await waitForTool(admin, 'directory_purge');
  // Something for the purge to remove, written before writes need approval.
  const seeded = await requester.createExecution({
    workspace: 'default',
    tool: 'file_write',
    args: { path: 'purge-me/a.txt', content: 'x' },
  });
  await waitForStatus(admin, seeded.id, 'completed');
  // Irreversible needs an owner by default; writes now do too.
  await admin.putApprovalPolicy(await defaultWorkspaceId(admin), { levels: { write: ownerLevel() } });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('Approvals tab (headless Chromium, real server and local agent)', () => {
  let d: Dashboard;
  let purge: { id: string; approval_id: string };
  let write: { id: string; approval_id: string };
  afterAll(() => d?.close());

  it('shows requests live as they are made, with their facts and a ticking deadline', async () => {
    d = await openDashboard(server, browser);
    await d.login();
    await d.page.goto('/ops/approvals');
    await d.page.getByText('No pending approvals').waitFor();
    await expect.poll(() => d.page.locator('.conn').getAttribute('data-state')).toBe('live');

    const p = await requester.createExecution({
      workspace: 'default',
      tool: 'directory_purge',
      args: { path: 'purge-me' },
    });
    const w = await requester.createExecution({
      workspace: 'default',
      tool: 'file_write',
      args: { path: 'keep/b.txt', content: 'not today' },
    });
    expect([p.status, w.status]).toEqual(['pending_approval', 'pending_approval']);
    purge = { id: p.id, approval_id: p.approval_id! };
    write = { id: w.id, approval_id: w.approval_id! };

    const card = d.page.locator(`[data-approval-id="${purge.approval_id}"]`);
    await card.waitFor();
    await d.page.locator(`[data-approval-id="${write.approval_id}"]`).waitFor();
    const text = (await card.textContent())!;
    for (const shown of [
      'directory_purge',
      'irreversible',
      'default',
      REQUESTER,
      'via api',
      '1 / 1',
      'project owners',
      '0 of 1 approval',
      '"path": "purge-me"',
    ])
      expect(text).toContain(shown);
    const deadline = card.locator('.deadline time');
    const first = await deadline.textContent();
    expect(first).toMatch(/^(59 min \d+ s|1 h 0 min) left$/);
    await expect.poll(() => deadline.textContent(), { timeout: 5000 }).not.toBe(first);
    await expect.poll(() => d.page.getByRole('link', { name: /^Pending \(2\)$/ }).count()).toBe(1);
  });

  it('Approve stays disabled until the tool name is typed exactly; approving runs the purge', async () => {
    const card = d.page.locator(`[data-approval-id="${purge.approval_id}"]`);
    const approve = card.getByRole('button', { name: 'Approve' });
    const confirm = card.getByLabel(/type directory_purge to enable Approve/);
    expect(await approve.isDisabled()).toBe(true);
    for (const near of [
      'Directory_purge',
      'directory_purge ',
      ' directory_purge',
      'directory-purge',
      'directory_purg',
    ]) {
      await confirm.fill(near);
      expect({ near, disabled: await approve.isDisabled() }).toEqual({ near, disabled: true });
    }
    await confirm.fill('directory_purge');
    expect(await approve.isEnabled()).toBe(true);
    await card.getByLabel(/Note \(approve\)/).fill('purge approved in e2e');
    await d.shot('approvals');
    await approve.click();
    // Decided: it leaves Pending without a reload, and the agent runs it.
    await card.waitFor({ state: 'detached' });
    await waitForStatus(admin, purge.id, 'completed');
    expect(JSON.parse(await admin.getExecutionRaw(purge.id))).toEqual({
      path: 'purge-me',
      removed_entries: 1,
    });
  });

  it('rejects another request with a reason, shown in the decisions', async () => {
    const card = d.page.locator(`[data-approval-id="${write.approval_id}"]`);
    // A write level needs no typed confirmation.
    expect(await card.getByLabel(/type file_write/).count()).toBe(0);
    await card.getByLabel(/reason \(reject\)/).fill('not in the change window');
    await card.getByRole('button', { name: 'Reject' }).click();
    await card.waitFor({ state: 'detached' });
    await d.page.getByText('No pending approvals').waitFor();
    await waitForStatus(admin, write.id, 'rejected');

    await d.page.getByRole('link', { name: /^Decisions/ }).click();
    await d.page.waitForURL(/\/ops\/approvals\?view=decisions$/);
    const row = d.page.locator(`tr[data-approval-id="${write.approval_id}"]`);
    await expect.poll(() => row.textContent()).toContain('not in the change window');
    expect(await row.textContent()).toMatch(/rejected/);
    expect(await row.textContent()).toContain(`${server.adminEmail} (dashboard)`);
    const approved = d.page.locator(`tr[data-approval-id="${purge.approval_id}"]`);
    expect(await approved.textContent()).toContain('purge approved in e2e');
    await d.page.reload();
    await row.waitFor();
  });

  it('/ops/approvals/:id shows the trail and the execution, and survives a reload', async () => {
    await d.page.locator(`tr[data-approval-id="${purge.approval_id}"]`).getByRole('link').click();
    await d.page.waitForURL(new RegExp(`/ops/approvals/${purge.approval_id}$`));
    await d.page.reload();
    const trail = d.page.getByRole('list', { name: 'Approval trail' });
    await expect.poll(() => trail.textContent()).toContain('purge approved in e2e');
    const text = (await trail.textContent())!;
    expect(text).toContain('Stage 1 of 1');
    expect(text).toContain(server.adminEmail);
    expect(text).toContain('via dashboard');
    await expect.poll(() => d.page.locator('.execution-status').textContent()).toBe('completed');
    const exec = d.page.getByRole('link', { name: purge.id });
    expect(await exec.getAttribute('href')).toBe(`/ops/operations?execution=${purge.id}`);
    // Decided: no actions, no confirmation box.
    expect(await d.page.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await d.shot('approval-detail');
    expect(d.errors).toEqual([]);
  });

  it("the requester's own request says why they cannot decide it; an owner can", async () => {
    const own = await requester.createExecution({
      workspace: 'default',
      tool: 'directory_purge',
      args: { path: 'elsewhere' },
    });
    const mine = await openDashboard(server, browser);
    try {
      await mine.login(REQUESTER, REQUESTER_PASSWORD);
      await mine.page.goto('/ops/approvals');
      const card = mine.page.locator(`[data-approval-id="${own.approval_id}"]`);
      const why = card.getByRole('note');
      await expect
        .poll(() => why.textContent())
        .toMatch(/^You cannot decide this request\. separation of duties: /);
      expect(await why.textContent()).toContain('it can be decided by project owners');
      expect(await card.getByRole('button', { name: 'Approve' }).count()).toBe(0);
      await mine.shot('approvals-requester');
      // The same on the approval's own page, the URL approval e-mails carry.
      await mine.page.goto(`/ops/approvals/${own.approval_id}`);
      await expect.poll(() => mine.page.getByRole('note').textContent()).toMatch(/separation of duties/);
      expect(mine.errors).toEqual([]);
    } finally {
      await mine.close();
    }
    // The admin's tab got it live and may decide it.
    await d.page.goto('/ops/approvals');
    await d.page
      .locator(`[data-approval-id="${own.approval_id}"]`)
      .getByRole('button', { name: 'Reject' })
      .waitFor();
    expect(d.errors).toEqual([]);
  });
});
