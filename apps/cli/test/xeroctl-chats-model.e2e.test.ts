import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CLI_TEST_TIMEOUT_MS, runXeroctl, type CliResult } from './run-xeroctl';
import { startScriptedModel, type ScriptedModel } from '../../../test-support/scripted-model';
import { startServer, type StartedServer } from '../../../test-support/start-server';

let model: ScriptedModel;
let server: StartedServer;
/** The admin (an owner): talks to the model. */
let home: string;
/** Bob, a second owner: answers the approvals the model's tool calls wait for. */
let bobHome: string;

const BOB = 'bob@example.test';
const BOB_PASSWORD = 'bob-password-123';
const MODEL_NAME = 'scripted-1';
const MODEL_KEY = 'sk-scripted-test';

const cli = (args: string[], opts?: { stdin?: string }) => runXeroctl(home, args, opts);
const asBob = (args: string[]) => runXeroctl(bobHome, args);

function ok(r: CliResult): CliResult {
  if (r.code !== 0)
    throw new Error(`exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}\nserver:\n${server.output()}`);
  return r;
}

const lines = (r: CliResult) => r.stdout.split('\n').filter(Boolean);
/** Piped record output: FIELD<TAB>value per line, up to the blank line before a transcript. */
const fields = (r: CliResult) =>
  Object.fromEntries(
    r.stdout
      .split('\n\n')[0]!
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [k, ...v] = l.split('\t');
        return [k, v.join('\t')];
      }),
  ) as Record<string, string>;
const transcript = (r: CliResult) => r.stdout.split('\n\n').slice(1).join('\n\n').split('\n').filter(Boolean);

// Two owners and a dozen CLI runs: more than the default hook timeout on a busy machine.
beforeAll(async () => {
  model = await startScriptedModel();
  // The local agent runs the core bundle (system_info: read; file_delete: destructive).
  server = await startServer({
    env: { XEM_MODEL_URL: model.url, XEM_MODEL: MODEL_NAME, XEM_MODEL_API_KEY: MODEL_KEY },
  });
  home = mkdtempSync(join(tmpdir(), 'xeroctl-chats-model-'));
  bobHome = mkdtempSync(join(tmpdir(), 'xeroctl-chats-model-bob-'));
  const login = (dir: string, email: string, password: string) =>
    runXeroctl(dir, ['--base-url', server.baseUrl, 'auth', 'login', '--email', email, '--password-stdin'], {
      stdin: `${password}\n`,
    });
  ok(await login(home, server.adminEmail, server.adminPassword));
  const invited = ok(await cli(['project', 'members', 'add', BOB, '--role', 'owner']));
  const token = new URL(invited.stdout.trim()).searchParams.get('token');
  const accepted = await fetch(`${server.baseUrl}/ops/invitations/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, password: BOB_PASSWORD }),
  });
  if (accepted.status !== 200) throw new Error(`accept: ${accepted.status} ${await accepted.text()}`);
  ok(await login(bobHome, BOB, BOB_PASSWORD));
  await vi.waitFor(
    async () => {
      if (!/^file_delete\t/m.test(ok(await cli(['exec', 'tools'])).stdout))
        throw new Error('the local agent has not published its tools yet');
    },
    { timeout: 30_000, interval: 250 },
  );
  const ops = join(home, 'ops.json');
  writeFileSync(
    ops,
    JSON.stringify({
      name: 'ops',
      system_prompt: 'You keep hosts tidy.',
      allowed_tools: ['system_info', 'file_delete'],
    }),
  );
  ok(await cli(['templates', 'create', '--file', ops]));
  ok(
    await cli([
      'exec',
      'invoke',
      'file_write',
      '--workspace',
      'default',
      '--arg',
      'path=model/x.txt',
      '--arg',
      'content=x',
      '--wait',
    ]),
  );
}, CLI_TEST_TIMEOUT_MS);

afterAll(async () => {
  await server?.stop();
  await model?.close();
  for (const dir of [home, bobHome]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe(
  `xeroctl chats with a model (scripted OpenAI-compatible endpoint; ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`,
  { timeout: CLI_TEST_TIMEOUT_MS },
  () => {
    let chatId: string;

    it('chat new --message streams the turn: the tool call, its result from the real agent, the answer', async () => {
      model.script(
        { tool_calls: [{ name: 'system_info', arguments: {} }] },
        { content: 'The host is fine.' },
      );
      const r = ok(
        await cli([
          'chat',
          'new',
          '--workspace',
          'default',
          '--template',
          'ops',
          '--message',
          'how is the host?',
        ]),
      );
      chatId = fields(r).ID!;
      expect(fields(r)).toMatchObject({
        MODEL: MODEL_NAME,
        TEMPLATE: expect.stringMatching(/^ops@1 \(tpl_\w+\)$/),
      });
      const said = transcript(r);
      expect(said[0]).toBe('user: how is the host?');
      expect(said[1]).toMatch(/^assistant: calls system_info \{\} \(call call_\w+, execution exe_\w+\)$/);
      const call = /\(call (call_\w+), execution (exe_\w+)\)/.exec(said[1]!)!;
      expect(said.slice(2, -1).join('\n')).toMatch(
        new RegExp(
          `^result of system_info \\(call ${call[1]}, ${call[2]}\\): completed, exit 0\n  \\{\n    "hostname": `,
        ),
      );
      expect(said.at(-1)).toBe('assistant: The host is fine.');
      expect(r.stderr).not.toContain('No model answers');

      // What XEM sent the model: its name and key, the template's prompt, the tools, the result.
      expect(model.requests).toHaveLength(2);
      const [first, second] = model.requests;
      expect(first!.authorization).toBe(`Bearer ${MODEL_KEY}`);
      expect(first!.body.model).toBe(MODEL_NAME);
      expect(first!.body.messages[0]).toMatchObject({ role: 'system', content: 'You keep hosts tidy.' });
      expect(first!.body.messages.at(-1)).toMatchObject({ role: 'user', content: 'how is the host?' });
      expect(first!.body.tools!.map((t) => t.function.name).sort()).toEqual(['file_delete', 'system_info']);
      expect(second!.body.messages.at(-1)).toMatchObject({ role: 'tool', tool_call_id: call[1] });
    });

    let approvalId: string;

    it('a tool call that needs an approval: chat send streams the question and exits 8', async () => {
      model.script(
        { tool_calls: [{ name: 'file_delete', arguments: { path: 'model/x.txt' } }] },
        { content: 'Deleted model/x.txt.' },
      );
      const r = await cli(['chat', 'send', chatId, 'please', 'delete', 'model/x.txt']);
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(8);
      expect(lines(r)[0]).toBe('user: please delete model/x.txt');
      expect(lines(r)[1]).toMatch(
        /^assistant: calls file_delete \{"path":"model\/x\.txt"\} \(call call_\w+, execution exe_\w+\)$/,
      );
      const found = /approval (apr_\w+): file_delete/.exec(r.stdout)![1]!;
      expect(r.stdout).toContain(
        'question: Run file_delete (risk destructive) with {"path":"model/x.txt"}? Approve or reject.\n',
      );
      expect(r.stdout).toContain(`  approve: xeroctl chat answer ${chatId} ${found} --approve\n`);
      expect(r.stderr).toContain(
        `error: chat ${chatId} waits for approval ${found} (file_delete, destructive): "xeroctl chat answer ${chatId} ${found} --approve"`,
      );
      expect(model.requests).toHaveLength(3);
      approvalId = found;
    });

    it('while it waits another message is refused; another owner answers, and the turn completes', async () => {
      const busy = await cli(['chat', 'send', chatId, 'hurry up']);
      expect(busy.code).toBe(1);
      expect(busy.stderr).toContain('code chat_turn_in_progress');
      const shown = await cli(['chat', 'show', chatId]);
      expect(fields(shown).TURN).toBe('waiting_approval');
      expect(shown.stderr).toContain(`Waiting for approval ${approvalId}: file_delete`);

      ok(await asBob(['chat', 'answer', chatId, approvalId, '--approve']));
      await vi.waitFor(
        async () => {
          const after = ok(await cli(['chat', 'show', chatId]));
          expect(fields(after).TURN).toBe('idle');
          expect(transcript(after).at(-1)).toBe('assistant: Deleted model/x.txt.');
        },
        { timeout: 30_000, interval: 500 },
      );
      expect(model.requests).toHaveLength(4);
      expect(model.requests[3]!.body.messages.at(-1)).toMatchObject({ role: 'tool' });
      const read = await cli([
        'exec',
        'invoke',
        'file_read',
        '--workspace',
        'default',
        '--arg',
        'path=model/x.txt',
        '--wait',
      ]);
      expect(read.code).toBe(1);
    });

    it('-o json prints one frame per line; a model that fails ends the turn with exit 1', async () => {
      model.script({ content: 'You are welcome.' });
      const r = ok(await cli(['-o', 'json', 'chat', 'send', chatId, 'thanks']));
      const frames = lines(r).map(
        (l) => JSON.parse(l) as { id: string; event: string; data: Record<string, unknown> },
      );
      expect(frames.every((f) => /^\d+$/.test(f.id))).toBe(true);
      // The turn is claimed (running) with the message itself: the stream starts at the message.
      expect(
        frames.map((f) => [f.event, f.data.turn_status ?? (f.data.message as { role: string }).role]),
      ).toEqual([
        ['chat.message', 'user'],
        ['chat.message', 'assistant'],
        ['chat.turn', 'idle'],
      ]);
      expect((frames[1]!.data.message as { content: string }).content).toBe('You are welcome.');

      model.script({ status: 503, body: '{"error":{"message":"overloaded"}}' });
      const failed = await cli(['chat', 'send', chatId, 'again?']);
      expect(failed.code).toBe(1);
      expect(lines(failed).at(-1)).toMatch(/^error: model_unavailable: /);
      expect(failed.stderr).toMatch(
        new RegExp(`^error: the turn of chat ${chatId} failed: .* \\(model_unavailable\\)$`, 'm'),
      );
    });
  },
);
