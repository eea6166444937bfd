import type { XemClient } from '@xem/client';
import { ChatMessage, listOf } from '@xem/protocol';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openDashboard, type Dashboard } from '../../../test-support/browser';
import { startServer, type StartedServer } from '../../../test-support/start-server';
import { clientAs, defaultWorkspaceId, waitForStatus, waitForTool } from './approval-e2e-fixtures';
import { startScriptedModel, type ScriptedModel } from '../../../test-support/scripted-model';

/** The stored transcript, read with an `inference` key through the public API (not the page). */
async function storedMessages(server: StartedServer, chatId: string): Promise<ChatMessage[]> {
  const minted = await fetch(`${server.baseUrl}/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: server.adminEmail, password: server.adminPassword, scopes: ['inference'] }),
  }).then((r) => r.json() as Promise<{ key: string; project_id: string }>);
  const res = await fetch(`${server.baseUrl}/${minted.project_id}/v1/chats/${chatId}/messages?limit=500`, {
    headers: { authorization: `Bearer ${minted.key}` },
  });
  expect(res.status).toBe(200);
  return listOf(ChatMessage).parse(await res.json()).data;
}

/** Creates a blank chat from the workspace page's "New chat" dialog; answers the chat id. */
async function newChatFromWorkspace(d: Dashboard, workspaceId: string, title: string): Promise<string> {
  await d.page.goto(`/ops/workspaces/${workspaceId}`);
  const section = d.page.getByRole('region', { name: 'Chats' });
  await section.getByRole('button', { name: 'New chat' }).click();
  const dialog = d.page.getByRole('dialog');
  await dialog.getByLabel('Title').fill(title);
  await dialog.getByRole('button', { name: 'Create chat' }).click();
  await d.page.waitForURL(/\/ops\/workspaces\/ws_[^/]+\/chats\/[^/?]+$/);
  await d.page.getByRole('heading', { name: title }).waitFor();
  return new URL(d.page.url()).pathname.split('/').at(-1)!;
}

describe('Chat page without a model (headless Chromium, real server and local agent)', () => {
  let server: StartedServer;
  let browser: Browser;
  let admin: XemClient;
  let wsId: string;
  let d: Dashboard;
  let chatId: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startServer(), launchBrowser()]);
    admin = await clientAs(server, server.adminEmail, server.adminPassword);
    wsId = await defaultWorkspaceId(admin);
    await waitForTool(admin, 'echo');
  }, 180_000);
  afterAll(async () => {
    await d?.close();
    await browser?.close();
    await server?.stop();
  });

  it('creates a chat from the workspace page; a message is recorded and nobody answers', async () => {
    d = await openDashboard(server, browser);
    await d.login();
    await d.page.goto(`/ops/workspaces/${wsId}`);
    await d.page.getByText('No chats in this workspace yet').waitFor();
    await expect.poll(() => d.page.locator('.conn').getAttribute('data-state')).toBe('live');
    chatId = await newChatFromWorkspace(d, wsId, 'disk check e2e');

    const facts = d.page.getByTestId('chat-facts');
    expect(await facts.getByTestId('chat-model').textContent()).toMatch(/^no model/);
    expect(await facts.textContent()).toContain('none (a blank chat)');
    expect(await facts.getByTestId('chat-turn').getAttribute('data-turn')).toBe('idle');
    await d.page.getByText('No messages yet.').waitFor();

    await d.page.getByLabel(/^Message/).fill('Checking the disk before the release.');
    await d.page.getByRole('button', { name: 'Send' }).click();
    const user = d.page.locator('.chat-msg[data-role="user"]');
    await user.getByText('Checking the disk before the release.').waitFor();
    expect(await d.page.getByLabel(/^Message/).inputValue()).toBe('');

    const stored = await storedMessages(server, chatId);
    expect(stored.map((m) => [m.role, m.content])).toEqual([
      ['user', 'Checking the disk before the release.'],
    ]);
    // Recorded, not answered: no assistant message arrives and the turn stays idle.
    expect(await facts.getByTestId('chat-turn').getAttribute('data-turn')).toBe('idle');

    // The workspace page lists it (live on ox.chat.*).
    await d.page.goto(`/ops/workspaces/${wsId}`);
    const row = d.page.locator(`tr[data-chat-id="${chatId}"]`);
    await expect.poll(() => row.textContent()).toMatch(/disk check e2e.*blank.*idle.*1/);
  });

  it('runs an allowed tool from the chat on the local agent; the result arrives live', async () => {
    await d.page.locator(`tr[data-chat-id="${chatId}"]`).getByRole('link').click();
    await d.page.getByRole('heading', { name: 'disk check e2e' }).waitFor();
    const form = d.page.getByRole('form', { name: 'Run a tool' });
    const run = form.getByRole('button', { name: 'Run' });
    expect(await run.isDisabled()).toBe(true);
    await form.getByRole('combobox').selectOption('echo');
    const args = form.getByLabel('Arguments (JSON object)');
    await args.fill('{"note": "not json"');
    await form.getByText(/^Not JSON/).waitFor();
    expect(await run.isDisabled()).toBe(true);
    await args.fill('{"from": "the chat page", "n": 7}');
    await run.click();

    const call = d.page.locator('.chat-msg[data-role="assistant"] .chat-call[data-tool="echo"]');
    await call.waitFor();
    expect(await call.textContent()).toContain('"from": "the chat page"');
    const result = d.page.locator('.chat-msg[data-role="tool"]');
    await result.waitFor();
    await expect
      .poll(
        async () => JSON.parse((await result.getByTestId('tool-stdout').textContent()) ?? 'null') as unknown,
      )
      .toEqual({ from: 'the chat page', n: 7 });
    expect(await result.locator('.badge').first().textContent()).toBe('completed');
    const exec = call.locator('.exec-link');
    const executionId = (await exec.getAttribute('data-execution-id'))!;
    expect(executionId).toMatch(/^exe_/);
    await expect.poll(() => exec.getAttribute('data-status')).toBe('completed');
    await waitForStatus(admin, executionId, 'completed');
    const e = await admin.getExecution(executionId);
    expect([e.source, e.chat_id, e.tool]).toEqual(['chat', chatId, 'echo']);
    await expect.poll(() => d.page.getByTestId('chat-turn').getAttribute('data-turn')).toBe('idle');
    await d.page.evaluate('window.scrollTo(0, 0)');
    await d.shot('chat-tool-run');

    // The execution opens in its modal over the chat, with the call's arguments.
    await exec.getByRole('link', { name: executionId }).click();
    await d.page.waitForURL(new RegExp(`\\?execution=${executionId}$`));
    const detail = d.page.getByTestId('execution-detail');
    await expect.poll(() => detail.getAttribute('data-status')).toBe('completed');
    expect(await d.page.getByTestId('execution-args').textContent()).toContain('"n": 7');
    await d.page.getByRole('button', { name: 'Close' }).click();
    await detail.waitFor({ state: 'detached' });

    // The transcript survives a reload: user message, the operator's call, the result.
    await d.page.reload();
    await result.waitFor();
    expect(
      await d.page.locator('.chat-msg').evaluateAll((els) => els.map((el) => el.getAttribute('data-role'))),
    ).toEqual(['user', 'assistant', 'tool']);
    expect(d.errors).toEqual([]);
  });

  it('starts chats from a template (workspace page and template page), pinned to its version', async () => {
    const tpl = await admin.templates.create({
      name: 'echo only e2e',
      system_prompt: 'Echo what you are asked to.',
      allowed_tools: ['echo'],
      approval_policy: 'elevated',
    });
    await d.page.goto(`/ops/workspaces/${wsId}`);
    await d.page.getByRole('region', { name: 'Chats' }).getByRole('button', { name: 'New chat' }).click();
    const dialog = d.page.getByRole('dialog');
    await dialog.getByRole('combobox').selectOption(tpl.id);
    await dialog.getByText(/Pinned to version 1: 1 allowed tool \(echo\), policy elevated/).waitFor();
    await dialog.getByRole('button', { name: 'Create chat' }).click();
    await d.page.waitForURL(/\/chats\/[^/?]+$/);
    const fromWorkspace = new URL(d.page.url()).pathname.split('/').at(-1)!;
    const facts = d.page.getByTestId('chat-facts');
    await expect.poll(() => facts.textContent()).toMatch(/echo only e2e v1 pinned/);
    expect(await facts.textContent()).toMatch(/elevated · write tools also wait for an approval/);
    const options = d.page.getByRole('form', { name: 'Run a tool' }).getByRole('combobox').locator('option');
    await expect.poll(() => options.allTextContents()).toEqual(['Choose a tool…', 'echo (read)']);

    // A new version of the template does not change the chat pinned to version 1.
    await admin.templates.update(tpl.id, { allowed_tools: ['echo', 'sleep'] });
    await d.page.goto(`/ops/templates/${tpl.id}`);
    const apply = d.page.getByRole('form', { name: 'Apply to workspace' });
    await apply.getByText('A new chat pinned to version 2').waitFor();
    await apply.getByLabel('Title').fill('from the template page');
    await apply.getByRole('button', { name: 'Start chat' }).click();
    await d.page.getByRole('heading', { name: 'from the template page' }).waitFor();
    await expect.poll(() => facts.textContent()).toMatch(/echo only e2e v2 pinned/);
    await d.page.goto(`/ops/workspaces/${wsId}/chats/${fromWorkspace}`);
    await expect.poll(() => facts.textContent()).toMatch(/echo only e2e v1 pinned/);
    await expect.poll(() => options.allTextContents()).toEqual(['Choose a tool…', 'echo (read)']);
    expect(d.errors).toEqual([]);
  });
});

describe('Chat page with a model (scripted OpenAI-compatible server on 127.0.0.1)', () => {
  let model: ScriptedModel;
  let server: StartedServer;
  let browser: Browser;
  let admin: XemClient;
  let wsId: string;
  let d: Dashboard;
  let chatId: string;

  beforeAll(async () => {
    model = await startScriptedModel();
    [server, browser] = await Promise.all([
      startServer({
        env: { XEM_MODEL_URL: model.url, XEM_MODEL: 'scripted-model', XEM_MODEL_API_KEY: 'scripted-key' },
      }),
      launchBrowser(),
    ]);
    admin = await clientAs(server, server.adminEmail, server.adminPassword);
    wsId = await defaultWorkspaceId(admin);
    await waitForTool(admin, 'file_delete');
    const seeded = await admin.createExecution({
      workspace: wsId,
      tool: 'file_write',
      args: { path: 'scratch/old.log', content: 'old' },
    });
    await waitForStatus(admin, seeded.id, 'completed');
  }, 180_000);
  afterAll(async () => {
    await d?.close();
    await browser?.close();
    await server?.stop();
    await model?.close();
  });

  it("asks before a destructive call; approving in the page runs it and the model's answer shows", async () => {
    d = await openDashboard(server, browser);
    await d.login();
    await d.page.goto(`/ops/workspaces/${wsId}`);
    await expect.poll(() => d.page.locator('.conn').getAttribute('data-state')).toBe('live');
    chatId = await newChatFromWorkspace(d, wsId, 'cleanup e2e');
    expect(await d.page.getByTestId('chat-model').textContent()).toBe('scripted-model');
    // With a model there is no operator tool form.
    expect(await d.page.getByRole('form', { name: 'Run a tool' }).count()).toBe(0);

    model.script(
      { tool_calls: [{ name: 'file_delete', arguments: { path: 'scratch/old.log' } }] },
      { content: 'Deleted scratch/old.log, as approved.' },
    );
    await d.page.getByLabel(/^Message/).fill('Please delete scratch/old.log.');
    await d.page.getByRole('button', { name: 'Send' }).click();

    const card = d.page.locator('.chat-question');
    await card.waitFor();
    const text = (await card.textContent())!;
    for (const shown of ['file_delete', 'destructive', 'admin@example.test via chat', 'project owners'])
      expect(text).toContain(shown);
    const call = d.page.locator('.chat-call[data-tool="file_delete"]');
    expect(await call.locator('pre.args').textContent()).toContain('"path": "scratch/old.log"');
    expect(await card.locator('.deadline time').textContent()).toMatch(/left$/);
    await expect
      .poll(() => d.page.getByTestId('chat-turn').getAttribute('data-turn'))
      .toBe('waiting_approval');
    expect(await d.page.getByTestId('composer-blocked').textContent()).toMatch(/waits for an approval/);
    expect(await d.page.getByRole('button', { name: 'Send' }).isDisabled()).toBe(true);
    await card.getByLabel('Note (with approve)').fill('old log, fine to delete');
    await d.page.evaluate('window.scrollTo(0, 0)');
    await d.shot('chat-question');

    await card.getByRole('button', { name: 'Approve' }).click();
    await card.waitFor({ state: 'detached' });
    const answer = d.page
      .locator('.chat-msg[data-role="assistant"]')
      .filter({ hasText: 'Deleted scratch/old.log, as approved.' });
    await answer.waitFor();
    await expect.poll(() => d.page.getByTestId('chat-turn').getAttribute('data-turn')).toBe('idle');
    const exec = call.locator('.exec-link');
    await expect.poll(() => exec.getAttribute('data-status')).toBe('completed');
    await d.page.evaluate('window.scrollTo(0, 0)');
    await d.shot('chat');

    // The model was called with the key, the model name and the chat's tools; its second call
    // carried the tool's result.
    expect(model.requests).toHaveLength(2);
    const [first, second] = model.requests;
    expect(first!.authorization).toBe('Bearer scripted-key');
    expect(first!.body.model).toBe('scripted-model');
    expect(first!.body.tools?.map((t) => t.function.name)).toContain('file_delete');
    const result = second!.body.messages.find((m) => m.role === 'tool');
    expect(JSON.parse(result!.content!)).toMatchObject({ status: 'completed', exit_code: 0 });
    const stored = await storedMessages(server, chatId);
    expect(stored.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
    expect(d.errors).toEqual([]);
  });

  it('an irreversible call the requester asked for: the card says why they cannot answer', async () => {
    model.script({ tool_calls: [{ name: 'directory_purge', arguments: { path: 'scratch' } }] });
    await d.page.getByLabel(/^Message/).fill('Now purge the scratch directory.');
    await d.page.getByRole('button', { name: 'Send' }).click();
    const card = d.page.locator('.chat-question');
    await card.waitFor();
    expect(await card.textContent()).toContain('directory_purge');
    const note = card.getByRole('note');
    await note.waitFor();
    expect(await note.textContent()).toMatch(/You cannot answer this question\..+/);
    expect(await card.getByRole('button', { name: 'Approve' }).count()).toBe(0);
    await d.page.evaluate('window.scrollTo(0, 0)');
    await d.shot('chat-cannot-answer');
    expect(d.errors).toEqual([]);
  });
});
