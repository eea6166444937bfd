import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Chat, ChatMessage, ChatTurnAccepted } from '@xem/protocol';
import { parseSse, startChatFleet, until, type ChatFleet } from './chat-fixture';

/**
 * Chats on a server without a model: messages are recorded, operators run allowed tools from
 * the chat (gated by the template's policy on top of the workspace's), templates are pinned,
 * and the chat's own stream resumes with Last-Event-ID.
 */

let fleet: ChatFleet;
let base: string;

beforeAll(async () => {
  fleet = await startChatFleet({});
  base = `/${fleet.projectId}/v1`;
}, 90_000);

afterAll(async () => {
  await fleet?.stop();
});

const chatOf = async (id: string) => (await fleet.admin<Chat>('GET', `${base}/chats/${id}`)).json;
const messagesOf = async (id: string) =>
  (await fleet.admin<{ data: ChatMessage[] }>('GET', `${base}/chats/${id}/messages`)).json.data;

async function template(name: string, body: Record<string, unknown>): Promise<{ id: string }> {
  const r = await fleet.admin<{ id: string }>('POST', `${base}/chat-templates`, { name, ...body });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json;
}

describe(
  `chats without a model (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`,
  { timeout: 120_000 },
  () => {
    it('records messages with their author and no turn; lists and pages the transcript', async () => {
      const created = await fleet.admin<Chat>('POST', `${base}/chats`, {
        workspace: 'default',
        message: 'first note\nwith a second line',
      });
      expect(created.status, JSON.stringify(created.json)).toBe(201);
      expect(created.json).toMatchObject({
        title: 'first note',
        model: null,
        turn_status: 'idle',
        message_count: 1,
      });
      const id = created.json.id;
      const sent = await fleet.otherOwner<ChatTurnAccepted>('POST', `${base}/chats/${id}/messages`, {
        content: 'second note',
      });
      expect(sent.status).toBe(202);
      expect(sent.json.message).toMatchObject({ role: 'user', seq: 2, content: 'second note' });
      expect(sent.json.message.author!.user_id).not.toBe(fleet.adminUserId);
      const page = await fleet.admin<{ data: ChatMessage[]; next_cursor: string }>(
        'GET',
        `${base}/chats/${id}/messages?limit=1`,
      );
      expect(page.json.data.map((m) => m.seq)).toEqual([1]);
      const rest = await fleet.admin<{ data: ChatMessage[]; next_cursor: null }>(
        'GET',
        `${base}/chats/${id}/messages?limit=5&cursor=${page.json.next_cursor}`,
      );
      expect(rest.json.data.map((m) => m.content)).toEqual(['second note']);
      expect(rest.json.next_cursor).toBeNull();
      const listed = await fleet.admin<{ data: Chat[] }>('GET', `${base}/chats?workspace=default`);
      expect(listed.json.data.map((c) => c.id)).toContain(id);
      const bad = await fleet.admin<{ error: { code: string; param: string } }>(
        'POST',
        `${base}/chats/${id}/messages`,
        {
          content: '   ',
        },
      );
      expect(bad.status).toBe(400);
      expect(bad.json.error).toMatchObject({ code: 'invalid_body' });
    });

    it('an operator runs an allowed tool from the chat; its result arrives as a tool message', async () => {
      writeFileSync(join(fleet.agent.fileRoot, 'notes.txt'), 'operator read this');
      const chat = (await fleet.admin<Chat>('POST', `${base}/chats`, { workspace: 'default' })).json;
      const run = await fleet.admin<ChatTurnAccepted>('POST', `${base}/chats/${chat.id}/tool-calls`, {
        tool: 'file_read',
        args: { path: 'notes.txt' },
      });
      expect(run.status, JSON.stringify(run.json)).toBe(202);
      expect(run.json.message).toMatchObject({
        role: 'assistant',
        author: { user_id: fleet.adminUserId },
        tool_calls: [{ name: 'file_read', arguments: { path: 'notes.txt' } }],
      });
      await until(
        () => chatOf(chat.id),
        (c) => c.turn_status === 'idle',
        'operator tool run',
      );
      const transcript = await messagesOf(chat.id);
      expect(transcript.map((m) => m.role)).toEqual(['assistant', 'tool']);
      expect(JSON.parse(transcript[1]!.content!)).toMatchObject({
        status: 'completed',
        stdout: expect.stringContaining('operator read this'),
      });
      const exe = await fleet.admin<{ source: string; chat_id: string }>(
        'GET',
        `${base}/exec/executions/${transcript[1]!.execution_id}`,
      );
      expect(exe.json).toMatchObject({ source: 'chat', chat_id: chat.id });
      const invalid = await fleet.admin<{ error: { code: string } }>(
        'POST',
        `${base}/chats/${chat.id}/tool-calls`,
        {
          tool: 'file_read',
          args: { path: 7 },
        },
      );
      expect(invalid.status).toBe(400);
      expect(invalid.json.error.code).toBe('invalid_body');
      expect((await chatOf(chat.id)).turn_status).toBe('idle');
    });

    it('template policies: elevated asks for write, restricted for every call, standard follows the workspace', async () => {
      await template('elevated-writer', {
        allowed_tools: ['file_write', 'file_read'],
        approval_policy: 'elevated',
      });
      await template('restricted-reader', { allowed_tools: ['file_read'], approval_policy: 'restricted' });
      const elevated = (
        await fleet.admin<Chat>('POST', `${base}/chats`, {
          workspace: 'default',
          template: 'elevated-writer',
        })
      ).json;
      const restricted = (
        await fleet.admin<Chat>('POST', `${base}/chats`, {
          workspace: 'default',
          template: 'restricted-reader',
        })
      ).json;
      const blank = (await fleet.admin<Chat>('POST', `${base}/chats`, { workspace: 'default' })).json;
      const run = async (chat: Chat, tool: string, args: Record<string, unknown>) => {
        const r = await fleet.admin<ChatTurnAccepted>('POST', `${base}/chats/${chat.id}/tool-calls`, {
          tool,
          args,
        });
        expect(r.status, JSON.stringify(r.json)).toBe(202);
        const exeId = r.json.message.tool_calls[0]!.execution_id!;
        return (
          await fleet.admin<{ status: string; approval_id: string | null }>(
            'GET',
            `${base}/exec/executions/${exeId}`,
          )
        ).json;
      };
      const write = await run(elevated, 'file_write', { path: 'elevated.txt', content: 'x' });
      expect(write.status).toBe('pending_approval');
      const approval = await fleet.admin<{ risk: string; approvers: string[]; on_timeout: string }>(
        'GET',
        `${base}/exec/approvals/${write.approval_id}`,
      );
      expect(approval.json).toMatchObject({ risk: 'write', approvers: ['role:owner'], on_timeout: 'reject' });
      expect((await chatOf(elevated.id)).turn_status).toBe('waiting_approval');
      const busy = await fleet.admin<{ error: { code: string } }>(
        'POST',
        `${base}/chats/${elevated.id}/tool-calls`,
        {
          tool: 'file_read',
          args: { path: 'elevated.txt' },
        },
      );
      expect(busy.status).toBe(409);
      expect(busy.json.error.code).toBe('chat_turn_in_progress');
      const ok = await fleet.admin('POST', `${base}/chats/${elevated.id}/answer`, {
        approval_id: write.approval_id,
        decision: 'approve',
      });
      expect(ok.status, JSON.stringify(ok.json)).toBe(200);
      await until(
        () => chatOf(elevated.id),
        (c) => c.turn_status === 'idle',
        'elevated write after approval',
      );
      expect(JSON.parse((await messagesOf(elevated.id)).at(-1)!.content!)).toMatchObject({
        status: 'completed',
      });

      expect((await run(restricted, 'file_read', { path: 'elevated.txt' })).status).toBe('pending_approval');
      const plain = await run(blank, 'file_write', { path: 'blank.txt', content: 'y' });
      expect(['queued', 'dispatched', 'completed']).toContain(plain.status);
    });

    it('pins the template version: later edits and a soft delete leave the chat as applied', async () => {
      const tpl = await template('pinned', { system_prompt: 'version one', allowed_tools: ['file_read'] });
      const chat = (
        await fleet.admin<Chat>('POST', `${base}/workspaces/default/chat-templates/${tpl.id}/apply`, {
          title: 'pinned chat',
        })
      ).json;
      expect(chat).toMatchObject({
        title: 'pinned chat',
        system_prompt: 'version one',
        template: { version: 1 },
      });
      const edited = await fleet.admin<{ version: number }>('PUT', `${base}/chat-templates/${tpl.id}`, {
        system_prompt: 'version two',
        allowed_tools: ['file_read', 'file_delete'],
      });
      expect(edited.json.version).toBe(2);
      expect(await chatOf(chat.id)).toMatchObject({
        system_prompt: 'version one',
        allowed_tools: ['file_read'],
        template: { version: 1 },
      });
      const second = (
        await fleet.admin<Chat>('POST', `${base}/workspaces/default/chat-templates/pinned/apply`, {})
      ).json;
      expect(second).toMatchObject({ system_prompt: 'version two', template: { version: 2 } });
      expect((await fleet.admin('DELETE', `${base}/chat-templates/${tpl.id}`)).status).toBe(200);
      expect(await chatOf(chat.id)).toMatchObject({
        template: { id: tpl.id, version: 1 },
        system_prompt: 'version one',
      });
      const gone = await fleet.admin<{ error: { code: string; param: string } }>(
        'POST',
        `${base}/workspaces/default/chat-templates/${tpl.id}/apply`,
        {},
      );
      expect(gone.status).toBe(404);
      expect(gone.json.error).toMatchObject({ code: 'not_found', param: 'template' });
      await template('k8s-only', { applicable_workspace_types: ['kubernetes'] });
      const wrongType = await fleet.admin<{ error: { code: string } }>('POST', `${base}/chats`, {
        workspace: 'default',
        template: 'k8s-only',
      });
      expect(wrongType.status).toBe(422);
      expect(wrongType.json.error.code).toBe('template_not_applicable');
    });

    it('the chat stream carries its messages and resumes after Last-Event-ID; delete removes the chat', async () => {
      const chat = (await fleet.admin<Chat>('POST', `${base}/chats`, { workspace: 'default' })).json;
      await fleet.admin('POST', `${base}/chats/${chat.id}/messages`, { content: 'one' });
      await fleet.admin('POST', `${base}/chats/${chat.id}/messages`, { content: 'two' });
      const ctrl = new AbortController();
      const res = await fetch(`${fleet.server.baseUrl}${base}/chats/${chat.id}/stream`, {
        headers: { authorization: `Bearer ${fleet.adminKey}`, 'last-event-id': '1' },
        signal: ctrl.signal,
      });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      let text = '';
      while (!(text.includes('"content":"one"') && text.includes('"content":"two"'))) {
        const { value, done } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      ctrl.abort();
      const frames = parseSse(text).filter((f) => f.event === 'chat.message');
      expect(frames.map((f) => (JSON.parse(f.data) as { message: ChatMessage }).message.content)).toEqual([
        'one',
        'two',
      ]);
      expect(parseSse(text)[0]!.event).toBe('chat.connection.connected');

      const after = await fetch(`${fleet.server.baseUrl}${base}/chats/${chat.id}/stream`, {
        headers: { authorization: `Bearer ${fleet.adminKey}`, 'last-event-id': frames[0]!.id! },
      });
      const r2 = after.body!.getReader();
      let t2 = '';
      while (!t2.includes('"content":"two"')) t2 += new TextDecoder().decode((await r2.read()).value);
      await r2.cancel();
      expect(t2).not.toContain('"content":"one"');

      expect((await fleet.admin('DELETE', `${base}/chats/${chat.id}`)).status).toBe(204);
      expect((await fleet.admin('GET', `${base}/chats/${chat.id}`)).status).toBe(404);
    });

    it('needs the inference scope; another project cannot see the chat', async () => {
      const chat = (await fleet.admin<Chat>('POST', `${base}/chats`, { workspace: 'default' })).json;
      const tokenRes = await fetch(`${fleet.server.baseUrl}/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          email: fleet.server.adminEmail,
          password: fleet.server.adminPassword,
          name: 'exec-only',
          scopes: ['execution'],
        }),
      });
      const execOnly = ((await tokenRes.json()) as { key: string }).key;
      const refused = await fetch(`${fleet.server.baseUrl}${base}/chats/${chat.id}`, {
        headers: { authorization: `Bearer ${execOnly}` },
      });
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('scope_insufficient');
      const unknown = await fleet.admin<{ error: { code: string } }>(
        'GET',
        `${base}/chats/chat_doesnotexist`,
      );
      expect(unknown.status).toBe(404);
    });
  },
);
