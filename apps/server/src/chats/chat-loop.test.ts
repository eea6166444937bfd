import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Chat, ChatMessage, ChatQuestion } from '@xem/protocol';
import { startScriptedModel, type ScriptedModel } from '../../../../test-support/scripted-model';
import { parseSse, startChatFleet, until, type ChatFleet } from './chat-fixture';

/**
 * The chat loop end to end: the real server with a scripted OpenAI-compatible model on loopback,
 * a real agent running the core bundle's tools, and two owners.
 */

let fleet: ChatFleet;
let model: ScriptedModel;
let base: string;

beforeAll(async () => {
  model = await startScriptedModel();
  fleet = await startChatFleet({
    XEM_MODEL_URL: model.url,
    XEM_MODEL: 'scripted-1',
    XEM_MODEL_API_KEY: 'sk-test-model-key',
  });
  base = `/${fleet.projectId}/v1`;
}, 90_000);

beforeEach(() => model.reset());

afterAll(async () => {
  await fleet?.stop();
  await model?.close();
});

async function messagesOf(chatId: string): Promise<ChatMessage[]> {
  const r = await fleet.admin<{ data: ChatMessage[] }>('GET', `${base}/chats/${chatId}/messages`);
  return r.json.data;
}

async function chatOf(chatId: string): Promise<Chat> {
  return (await fleet.admin<Chat>('GET', `${base}/chats/${chatId}`)).json;
}

/** POSTs a message asking for the turn as a stream; answers the frames once the stream ended. */
async function sendStreaming(chatId: string, content: string) {
  const res = await fetch(`${fleet.server.baseUrl}${base}/chats/${chatId}/messages`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${fleet.adminKey}`,
      'content-type': 'application/json',
      accept: 'text/event-stream',
    },
    body: JSON.stringify({ content }),
  });
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  return parseSse(await res.text());
}

describe(
  `chats with a model (${process.env.DATABASE_URL ? 'postgres' : 'pglite'})`,
  { timeout: 120_000 },
  () => {
    it('a tool call that needs approval is asked in the chat, answered there, run on the agent, and the model answers', async () => {
      writeFileSync(join(fleet.agent.fileRoot, 'doomed.txt'), 'x');
      const tpl = await fleet.admin<{ id: string; version: number }>('POST', `${base}/chat-templates`, {
        name: 'cleanup-assistant',
        system_prompt: 'You clean up files.',
        allowed_tools: ['file_read', 'file_delete'],
        approval_policy: 'standard',
      });
      // Templates are written with management; the chat-templates mount refuses nothing else here.
      expect(tpl.status, JSON.stringify(tpl.json)).toBe(201);
      const applied = await fleet.admin<Chat>(
        'POST',
        `${base}/workspaces/default/chat-templates/cleanup-assistant/apply`,
        {},
      );
      expect(applied.status, JSON.stringify(applied.json)).toBe(201);
      const chat = applied.json;
      expect(chat).toMatchObject({
        template: { id: tpl.json.id, name: 'cleanup-assistant', version: 1 },
        allowed_tools: ['file_delete', 'file_read'],
        model: 'scripted-1',
        turn_status: 'idle',
      });

      model.script(
        { tool_calls: [{ name: 'file_delete', arguments: { path: 'doomed.txt' } }] },
        { content: 'Deleted doomed.txt.' },
      );
      const frames = await sendStreaming(chat.id, 'please delete doomed.txt');
      expect(frames.at(-1)!.data).toBe('[DONE]');
      const names = frames.slice(0, -1).map((f) => f.event);
      expect(names).toEqual(['chat.message', 'chat.message', 'x_ask_user.question', 'chat.turn']);
      expect(frames.every((f) => f.data === '[DONE]' || f.id !== null)).toBe(true);
      const question = JSON.parse(frames[2]!.data) as ChatQuestion;
      expect(question).toMatchObject({
        type: 'x_ask_user.question',
        chat_id: chat.id,
        tool: 'file_delete',
        args: { path: 'doomed.txt' },
        risk: 'destructive',
        options: ['approve', 'reject'],
        confirm_required: false,
      });
      expect(JSON.parse(frames[3]!.data)).toMatchObject({ turn_status: 'waiting_approval', error: null });

      // The model got the system prompt, the user's message and the chat's tools, with the key.
      const first = model.requests.at(-1)!;
      expect(first.authorization).toBe('Bearer sk-test-model-key');
      expect(first.body.model).toBe('scripted-1');
      expect(first.body.messages.slice(0, 2)).toEqual([
        { role: 'system', content: 'You clean up files.' },
        { role: 'user', content: 'please delete doomed.txt' },
      ]);
      expect(first.body.tools!.map((t) => t.function.name).sort()).toEqual(['file_delete', 'file_read']);

      // The execution is the chat's, waiting; the requester is the person who sent the message.
      const exe = await fleet.admin<{
        source: string;
        chat_id: string;
        status: string;
        created_by: { user_id: string };
      }>('GET', `${base}/exec/executions/${question.execution_id}`);
      expect(exe.json).toMatchObject({
        source: 'chat',
        chat_id: chat.id,
        status: 'pending_approval',
        created_by: { user_id: fleet.adminUserId },
      });
      expect((await chatOf(chat.id)).turn_status).toBe('waiting_approval');
      const busy = await fleet.admin<{ error: { code: string } }>(
        'POST',
        `${base}/chats/${chat.id}/messages`,
        {
          content: 'are you there?',
        },
      );
      expect(busy.status).toBe(409);
      expect(busy.json.error.code).toBe('chat_turn_in_progress');

      const answered = await fleet.admin<{ status: string; decided_by: { via: string } }>(
        'POST',
        `${base}/chats/${chat.id}/answer`,
        { approval_id: question.approval_id, decision: 'approve', note: 'fine' },
      );
      expect(answered.status, JSON.stringify(answered.json)).toBe(200);
      expect(answered.json).toMatchObject({ status: 'approved', decided_by: { via: 'chat' } });

      const done = await until(
        () => chatOf(chat.id),
        (c) => c.turn_status === 'idle',
        'turn after approval',
      );
      expect(done.message_count).toBe(4);
      const transcript = await messagesOf(chat.id);
      expect(transcript.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant']);
      expect(transcript[1]!.tool_calls[0]).toMatchObject({
        name: 'file_delete',
        execution_id: question.execution_id,
      });
      expect(JSON.parse(transcript[2]!.content!)).toMatchObject({ status: 'completed', exit_code: 0 });
      expect(transcript[2]!.tool_call_id).toBe(transcript[1]!.tool_calls[0]!.id);
      expect(transcript[3]!.content).toBe('Deleted doomed.txt.');
      expect(existsSync(join(fleet.agent.fileRoot, 'doomed.txt'))).toBe(false);

      // The second model call read the tool's result under the call's id.
      const second = model.requests.at(-1)!.body.messages;
      expect(second.at(-1)).toMatchObject({ role: 'tool', tool_call_id: transcript[1]!.tool_calls[0]!.id });
      expect(second.at(-2)).toMatchObject({
        role: 'assistant',
        tool_calls: [{ function: { name: 'file_delete' } }],
      });
    });

    it('issue 5: the person driving the chat cannot approve an irreversible call they caused; another owner can', async () => {
      mkdirSync(join(fleet.agent.fileRoot, 'chat-scratch'), { recursive: true });
      writeFileSync(join(fleet.agent.fileRoot, 'chat-scratch', 'a.txt'), 'a');
      const chat = (
        await fleet.admin<Chat>('POST', `${base}/chats`, { workspace: 'default', title: 'purge' })
      ).json;
      expect(chat).toMatchObject({ template: null, allowed_tools: null, approval_policy: 'standard' });
      model.script(
        { tool_calls: [{ name: 'directory_purge', arguments: { path: 'chat-scratch' } }] },
        { content: 'Purged.' },
      );
      const frames = await sendStreaming(chat.id, 'purge chat-scratch');
      const q = JSON.parse(frames.find((f) => f.event === 'x_ask_user.question')!.data) as ChatQuestion;
      expect(q).toMatchObject({ risk: 'irreversible', confirm_required: true });

      const self = await fleet.admin<{ error: { code: string; message: string } }>(
        'POST',
        `${base}/chats/${chat.id}/answer`,
        {
          approval_id: q.approval_id,
          decision: 'approve',
          confirm: 'directory_purge',
        },
      );
      expect(self.status).toBe(403);
      expect(self.json.error.code).toBe('approver_not_authorized');
      const wrong = await fleet.otherOwner<{ error: { code: string } }>(
        'POST',
        `${base}/chats/${chat.id}/answer`,
        {
          approval_id: q.approval_id,
          decision: 'approve',
          confirm: 'Directory_purge',
        },
      );
      expect(wrong.status).toBe(422);
      expect(wrong.json.error.code).toBe('approval_confirm_mismatch');
      const ok = await fleet.otherOwner('POST', `${base}/chats/${chat.id}/answer`, {
        approval_id: q.approval_id,
        decision: 'approve',
        confirm: 'directory_purge',
      });
      expect(ok.status, JSON.stringify(ok.json)).toBe(200);
      await until(
        () => chatOf(chat.id),
        (c) => c.turn_status === 'idle',
        'turn after the other owner approved',
      );
      expect((await messagesOf(chat.id)).at(-1)).toMatchObject({ role: 'assistant', content: 'Purged.' });
      expect(existsSync(join(fleet.agent.fileRoot, 'chat-scratch', 'a.txt'))).toBe(false);
    });

    it('a rejected call goes back to the model as a rejection, and the turn still ends with its answer', async () => {
      writeFileSync(join(fleet.agent.fileRoot, 'kept.txt'), 'keep me');
      const chat = (await fleet.admin<Chat>('POST', `${base}/chats`, { workspace: 'default' })).json;
      model.script(
        { tool_calls: [{ name: 'file_delete', arguments: { path: 'kept.txt' } }] },
        { content: 'Understood, not deleted.' },
      );
      const frames = await sendStreaming(chat.id, 'delete kept.txt');
      const q = JSON.parse(frames.find((f) => f.event === 'x_ask_user.question')!.data) as ChatQuestion;
      const no = await fleet.otherOwner('POST', `${base}/chats/${chat.id}/answer`, {
        approval_id: q.approval_id,
        decision: 'reject',
        reason: 'keep it',
      });
      expect(no.status, JSON.stringify(no.json)).toBe(200);
      await until(
        () => chatOf(chat.id),
        (c) => c.turn_status === 'idle',
        'turn after the rejection',
      );
      const transcript = await messagesOf(chat.id);
      expect(JSON.parse(transcript[2]!.content!)).toMatchObject({ status: 'rejected' });
      expect(transcript.at(-1)!.content).toBe('Understood, not deleted.');
      expect(existsSync(join(fleet.agent.fileRoot, 'kept.txt'))).toBe(true);
    });

    it('a template limits the tools: a call outside them is refused to the model without an execution', async () => {
      await fleet.admin('POST', `${base}/chat-templates`, {
        name: 'reader',
        allowed_tools: ['file_read'],
        approval_policy: 'standard',
      });
      const chat = (
        await fleet.admin<Chat>('POST', `${base}/chats`, { workspace: 'default', template: 'reader' })
      ).json;
      model.script(
        { tool_calls: [{ name: 'file_delete', arguments: { path: 'kept.txt' } }] },
        { content: 'I may not.' },
      );
      const frames = await sendStreaming(chat.id, 'delete kept.txt');
      expect(frames.at(-1)!.data).toBe('[DONE]');
      expect(frames.map((f) => f.event)).not.toContain('x_ask_user.question');
      const transcript = await messagesOf(chat.id);
      expect(transcript[1]!.tool_calls[0]).toMatchObject({ name: 'file_delete', execution_id: null });
      expect(JSON.parse(transcript[2]!.content!)).toMatchObject({
        status: 'refused',
        error: { code: 'chat_tool_not_allowed' },
      });
      expect(transcript.at(-1)!.content).toBe('I may not.');
      const direct = await fleet.admin<{ error: { code: string } }>(
        'POST',
        `${base}/chats/${chat.id}/tool-calls`,
        {
          tool: 'file_delete',
          args: { path: 'kept.txt' },
        },
      );
      expect(direct.status).toBe(403);
      expect(direct.json.error.code).toBe('chat_tool_not_allowed');
      const executions = await fleet.admin<{ data: unknown[] }>(
        'GET',
        `${base}/exec/executions?chat=${chat.id}`,
      );
      expect(executions.json.data).toHaveLength(0);
    });

    it('a model that fails ends the turn with an error message, and the chat takes the next message', async () => {
      const chat = (await fleet.admin<Chat>('POST', `${base}/chats`, { workspace: 'default' })).json;
      model.script({ status: 503, body: '{"error":{"message":"overloaded"}}' });
      const frames = await sendStreaming(chat.id, 'hello?');
      const turn = JSON.parse(frames.at(-2)!.data) as { turn_status: string; error: { code: string } };
      expect(turn).toMatchObject({ turn_status: 'idle', error: { code: 'model_unavailable' } });
      const transcript = await messagesOf(chat.id);
      expect(transcript.map((m) => m.role)).toEqual(['user', 'error']);
      expect(transcript[1]!.content).toContain('HTTP 503');
      model.script({ content: 'Back again.' });
      const again = await sendStreaming(chat.id, 'hello again');
      expect(
        JSON.parse(again.find((f) => f.event === 'chat.message' && f.data.includes('Back again'))!.data),
      ).toMatchObject({
        message: { role: 'assistant', content: 'Back again.' },
      });
    });
  },
);
