import { randomBytes } from 'node:crypto';
import type { XemClient } from '@xem/client';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openDashboard, type Dashboard } from '../../../test-support/browser';
import { startServer, type StartedServer } from '../../../test-support/start-server';
import {
  clientAs,
  defaultWorkspaceId,
  ownerLevel,
  waitForStatus,
  waitForTool,
} from './approval-e2e-fixtures';

const REVIEWER = 'reviewer@outside.test';

/** What these page functions use of the browser's window (the tests compile without the DOM lib). */
interface BrowserWindow {
  getComputedStyle(e: unknown): { maxWidth: string };
}

let server: StartedServer;
let browser: Browser;
/** The admin (an owner): asks for the purge, which an outside reviewer decides through a link. */
let admin: XemClient;

// Starting a server and its agent on a busy machine can take most of the default minute.
beforeAll(async () => {
  [server, browser] = await Promise.all([
    // No SMTP: the link lands in the outbox, where an owner reads it.
    startServer({ env: { XEROTIER_APPROVAL_LINK_SECRET: randomBytes(32).toString('hex') } }),
    launchBrowser(),
  ]);
  admin = await clientAs(server, server.adminEmail, server.adminPassword);
  await waitForTool(admin, 'directory_purge');
  const seeded = await admin.createExecution({
    workspace: 'default',
    tool: 'file_write',
    args: { path: 'linked/a.txt', content: 'x' },
  });
  await waitForStatus(admin, seeded.id, 'completed');
  await admin.putApprovalPolicy(await defaultWorkspaceId(admin), {
    levels: {
      irreversible: ownerLevel({
        escalation: [{ approvers: ['role:owner', REVIEWER], required_approvals: 1 }],
      }),
    },
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** The one-time link mailed to `to` for approval `approvalId`, read from the outbox (owners only). */
async function linkFromOutbox(to: string, approvalId: string): Promise<string> {
  const res = await fetch(`${server.baseUrl}/${admin.projectId}/v1/management/outbox?status=unsent`, {
    headers: { authorization: `Bearer ${admin.options.apiKey}` },
  });
  expect(res.status).toBe(200);
  const { data } = (await res.json()) as { data: Array<{ to: string; text: string }> };
  const mail = data.find((m) => m.to === to && m.text.includes(approvalId));
  const url = mail && new RegExp(`(http\\S+/ops/approval/${approvalId}\\?token=\\S+)`).exec(mail.text)?.[1];
  if (!url) throw new Error(`no link for ${to} in the outbox: ${JSON.stringify(data)}`);
  return url;
}

describe('one-time approval link (headless Chromium, real server and local agent)', () => {
  let d: Dashboard;
  let executionId: string;
  let approvalId: string;
  let path: string;
  afterAll(() => d?.close());

  it('an outside reviewer opens the link without a session and sees the request', async () => {
    const e = await admin.createExecution({
      workspace: 'default',
      tool: 'directory_purge',
      args: { path: 'linked' },
    });
    executionId = e.id;
    approvalId = e.approval_id!;
    const url = new URL(await linkFromOutbox(REVIEWER, approvalId));
    expect(url.origin).toBe(server.baseUrl);
    path = `${url.pathname}${url.search}`;

    d = await openDashboard(server, browser);
    await d.page.goto(path);
    await d.page.getByRole('heading', { name: 'Approve directory_purge?' }).waitFor();
    expect(await d.context.cookies()).toEqual([]);
    const text = (await d.page.locator('main').textContent())!;
    for (const shown of [
      server.adminEmail,
      REVIEWER,
      'irreversible',
      '"path": "linked"',
      '1 of 1',
      'Decisions so far',
    ])
      expect(text).toContain(shown);
    // Styled from 'self' under the CSP: no inline styles or scripts, and none refused.
    expect(
      await d.page
        .locator('main')
        .evaluate((m) => (globalThis as unknown as BrowserWindow).getComputedStyle(m).maxWidth),
    ).toBe('760px');
    expect(await d.page.locator('script, style, [style]').count()).toBe(0);
  });

  it('Approve needs the exact tool name: the browser holds a near miss back, the server refuses it too', async () => {
    const confirm = d.page.getByLabel(/type the tool name exactly/);
    await confirm.fill('Directory_purge');
    await d.page.getByRole('button', { name: 'Approve' }).click();
    expect(
      await confirm.evaluate(
        (i) => (i as unknown as { validity: { patternMismatch: boolean } }).validity.patternMismatch,
      ),
    ).toBe(true);
    expect(d.page.url()).toContain('?token=');

    // A client that skips the browser's check gets the server's 422, and the link stays usable.
    const token = new URL(d.page.url()).searchParams.get('token')!;
    const refused = await d.page.request.post(`/ops/approval/${approvalId}`, {
      form: { token, decision: 'approve', confirm: 'directory_purge ' },
    });
    expect(refused.status()).toBe(422);
    expect(await refused.text()).toContain('role="alert"');

    await confirm.fill('directory_purge');
    await d.page.getByLabel(/Note or reason/).fill('ok from the link');
    await d.shot('approval-link');
    await d.page.getByRole('button', { name: 'Approve' }).click();
    await d.page.getByRole('heading', { name: 'Approved' }).waitFor();
    expect(await d.page.locator('main').textContent()).toContain('queued to run');
    await d.shot('approval-link-approved');
    await waitForStatus(admin, executionId, 'completed');
    const a = await admin.getApproval(approvalId);
    expect(a).toMatchObject({
      status: 'approved',
      note: 'ok from the link',
      decided_by: { email: REVIEWER, via: 'link' },
    });
  });

  it('the link cannot be used twice: the page and a second decision get the same refusal', async () => {
    await d.page.goto(path);
    await d.page.getByRole('heading', { name: 'Approval link not valid' }).waitFor();
    const again = await d.page.request.post(`/ops/approval/${approvalId}`, {
      form: { token: new URL(path, server.baseUrl).searchParams.get('token')!, decision: 'reject' },
    });
    expect(again.status()).toBe(403);
    expect(await again.text()).toContain('this approval link is invalid, expired or already used');
    expect((await admin.getApproval(approvalId)).status).toBe('approved');
    expect(d.errors).toEqual([]);
  });
});
