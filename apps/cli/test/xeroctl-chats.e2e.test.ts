import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Chat, ChatMessage } from '@xem/protocol';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { CLI_TEST_TIMEOUT_MS, runXeroctl, spawnXeroctl, type CliResult } from './run-xeroctl';
import { startServer, type StartedServer } from '../../../test-support/start-server';

let server: StartedServer;
/** The admin (an owner): manages templates, opens chats and runs tools. */
let home: string;
/** Bob, a second owner: answers the approvals the admin's tool calls wait for. */
let bobHome: string;
let templatesDir: string;

const BOB = 'bob@example.test';
const BOB_PASSWORD = 'bob-password-123';

const cli = (args: string[], opts?: { stdin?: string }) => runXeroctl(home, args, opts);
const asBob = (args: string[]) => runXeroctl(bobHome, args);

function ok(r: CliResult): CliResult {
  if (r.code !== 0)
    throw new Error(`exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}\nserver:\n${server.output()}`);
  return r;
}

const lines = (r: CliResult) => r.stdout.split('\n').filter(Boolean);
const rows = (r: CliResult) => lines(r).map((l) => l.split('\t'));
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
/** The transcript after the record: every line after the first blank one. */
const transcript = (r: CliResult) => r.stdout.split('\n\n').slice(1).join('\n\n').split('\n').filter(Boolean);

function writeTemplate(name: string, content: unknown): void {
  writeFileSync(join(templatesDir, name), typeof content === 'string' ? content : JSON.stringify(content));
}

const TRIAGE = {
  name: 'triage',
  system_prompt: 'You help with the disks.',
  allowed_tools: ['system_info', 'file_write', 'file_delete'],
};

// Two owners and a dozen CLI runs: more than the default hook timeout on a busy machine.
beforeAll(async () => {
  // The server's local agent runs the core bundle: system_info is read, file_delete destructive.
  server = await startServer();
  home = mkdtempSync(join(tmpdir(), 'xeroctl-chats-'));
  bobHome = mkdtempSync(join(tmpdir(), 'xeroctl-chats-bob-'));
  templatesDir = join(home, 'templates');
  mkdirSync(templatesDir);
  const login = (run: typeof cli, email: string, password: string) =>
    run(['--base-url', server.baseUrl, 'auth', 'login', '--email', email, '--password-stdin'], {
      stdin: `${password}\n`,
    });
  ok(await login(cli, server.adminEmail, server.adminPassword));
  const invited = ok(await cli(['project', 'members', 'add', BOB, '--role', 'owner']));
  const token = new URL(invited.stdout.trim()).searchParams.get('token');
  const accepted = await fetch(`${server.baseUrl}/ops/invitations/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, password: BOB_PASSWORD }),
  });
  if (accepted.status !== 200) throw new Error(`accept: ${accepted.status} ${await accepted.text()}`);
  ok(await login((args, opts) => runXeroctl(bobHome, args, opts), BOB, BOB_PASSWORD));
  ok(await cli(['workspaces', 'create', 'prod-eu']));
  await vi.waitFor(
    async () => {
      if (!/^file_delete\t/m.test(ok(await cli(['exec', 'tools'])).stdout))
        throw new Error('the local agent has not published its tools yet');
    },
    { timeout: 30_000, interval: 250 },
  );
}, CLI_TEST_TIMEOUT_MS);

afterAll(async () => {
  await server?.stop();
  for (const dir of [home, bobHome]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe(
  `xeroctl chats and templates apply against the real server, no model (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`,
  { timeout: CLI_TEST_TIMEOUT_MS },
  () => {
    let triageId: string;
    let pinnedChat: string;

    it('templates apply-from-dir creates, leaves unchanged files alone, updates a changed one, reports bad files', async () => {
      writeTemplate('triage.json', TRIAGE);
      writeTemplate('probe.json', { name: 'probe', allowed_tools: ['http_probe'], tags: ['net'] });
      writeTemplate('README.md', '# not a template');
      const first = ok(await cli(['templates', 'apply-from-dir', templatesDir]));
      expect(rows(first).map((r) => [r[0], r[1], r[2], r[4], r[5]])).toEqual([
        ['probe.json', 'created', 'probe', 'project', '1'],
        ['triage.json', 'created', 'triage', 'project', '1'],
      ]);
      triageId = rows(first)[1]![3]!;
      expect(triageId).toMatch(/^tpl_\w+$/);
      expect(first.stderr).toContain('2 file(s): 2 created, 0 updated, 0 unchanged, 0 failed.');

      const again = ok(await cli(['templates', 'apply-from-dir', templatesDir]));
      expect(rows(again).map((r) => [r[0], r[1], r[3], r[5]])).toEqual([
        ['probe.json', 'unchanged', rows(first)[0]![3], '1'],
        ['triage.json', 'unchanged', triageId, '1'],
      ]);

      // A changed file is a new version; a field removed from a file is removed from the template.
      writeTemplate('triage.json', { ...TRIAGE, approval_policy: 'standard', tags: ['disks'] });
      writeTemplate('probe.json', { name: 'probe', allowed_tools: ['http_probe'] });
      writeTemplate('broken.json', '{"name": ');
      writeTemplate('wrong.json', { name: 'wrong', approval_policy: 'lax' });
      const changed = await cli(['templates', 'apply-from-dir', templatesDir]);
      expect(changed.code).toBe(1);
      expect(rows(changed).map((r) => [r[0], r[1], r[5] ?? ''])).toEqual([
        ['broken.json', 'failed', ''],
        ['probe.json', 'updated', '2'],
        ['triage.json', 'updated', '2'],
        ['wrong.json', 'failed', ''],
      ]);
      expect(changed.stderr).toMatch(/^error: broken\.json: the file is not valid JSON: /m);
      expect(changed.stderr).toMatch(/^error: wrong\.json: approval_policy: /m);
      expect(changed.stderr).toContain('error: 2 of 4 file(s) not applied: broken.json, wrong.json');
      const probe = ok(await cli(['-o', 'json', 'templates', 'show', 'probe']));
      expect(JSON.parse(probe.stdout)).toMatchObject({ version: 2, tags: [] });
      rmSync(join(templatesDir, 'broken.json'));
      rmSync(join(templatesDir, 'wrong.json'));

      // The same directory as workspace templates of prod-eu: other templates, same names.
      const local = ok(
        await cli(['-o', 'json', 'templates', 'apply-from-dir', templatesDir, '--workspace', 'prod-eu']),
      );
      const results = (
        JSON.parse(local.stdout) as { results: Array<{ action: string; template: { scope: string } }> }
      ).results;
      expect(results.map((r) => [r.action, r.template.scope])).toEqual([
        ['created', 'workspace'],
        ['created', 'workspace'],
      ]);
      expect(rows(ok(await cli(['templates', 'versions', 'triage']))).map((r) => r[0])).toEqual(['2', '1']);
    });

    it('templates apply opens a chat pinned to the current version; later versions do not change it', async () => {
      const opened = ok(
        await cli(['templates', 'apply', 'triage', '--workspace', 'default', '--title', 'disk check']),
      );
      const chat = fields(opened);
      expect(chat).toMatchObject({
        TITLE: 'disk check',
        TEMPLATE: `triage@2 (${triageId})`,
        TURN: 'idle',
        MODEL: '',
        MESSAGES: '0',
        ALLOWED_TOOLS: 'file_delete,file_write,system_info',
        SYSTEM_PROMPT: 'You help with the disks.',
      });
      pinnedChat = chat.ID!;
      expect(pinnedChat).toMatch(/^chat_\w+$/);
      expect(opened.stderr).toContain(`Opened chat ${pinnedChat} in ws_`);

      writeTemplate('triage.json', { ...TRIAGE, system_prompt: 'Be brief.', tags: ['disks'] });
      const updated = ok(await cli(['templates', 'apply-from-dir', templatesDir]));
      const row = rows(updated).find((r) => r[0] === 'triage.json')!;
      expect([row[1], row[5]]).toEqual(['updated', '3']);
      const shown = fields(ok(await cli(['chat', 'show', pinnedChat])));
      expect(shown).toMatchObject({
        TEMPLATE: `triage@2 (${triageId})`,
        SYSTEM_PROMPT: 'You help with the disks.',
      });
      const fresh = fields(ok(await cli(['chat', 'new', '--workspace', 'default', '--template', 'triage'])));
      expect(fresh.TEMPLATE).toBe(`triage@3 (${triageId})`);
    });

    let notesChat: string;

    it('chat new and send without a model store the messages; show and list read them back', async () => {
      const created = ok(
        await cli(['chat', 'new', '--workspace', 'default', '--title', 'notes', '--message', 'hello there']),
      );
      notesChat = fields(created).ID!;
      expect(fields(created)).toMatchObject({
        TITLE: 'notes',
        TEMPLATE: '',
        ALLOWED_TOOLS: 'all tools of the workspace',
      });
      expect(transcript(created)).toEqual(['user: hello there']);
      expect(created.stderr).toContain(`No model answers chat ${notesChat}`);

      const sent = ok(await cli(['chat', 'send', notesChat, 'second', 'message']));
      expect(lines(sent)).toEqual(['user: second message']);
      const queued = ok(await cli(['chat', 'send', notesChat, '--no-wait', 'third']));
      expect(lines(queued)).toEqual(['user: third']);
      expect(queued.stderr).toContain('Stored as message 3');
    });

    it('chat show and list read the messages back; bad input exits 2, an unknown chat 1', async () => {
      const shown = ok(await cli(['chat', 'show', notesChat]));
      expect(fields(shown)).toMatchObject({ MESSAGES: '3', TURN: 'idle' });
      expect(transcript(shown)).toEqual(['user: hello there', 'user: second message', 'user: third']);
      const json = JSON.parse(ok(await cli(['-o', 'json', 'chat', 'show', notesChat])).stdout) as unknown;
      const parsed = z.object({ chat: Chat, messages: z.array(ChatMessage) }).parse(json);
      expect(parsed.messages.map((m) => [m.seq, m.role, m.content])).toEqual([
        [1, 'user', 'hello there'],
        [2, 'user', 'second message'],
        [3, 'user', 'third'],
      ]);

      const listed = rows(ok(await cli(['chat', 'list', '--workspace', 'default'])));
      expect(listed.find((r) => r[0] === notesChat)).toEqual([
        notesChat,
        'notes',
        parsed.chat.workspace_id,
        '',
        'idle',
        '',
        '3',
        expect.any(String),
      ]);
      expect(rows(ok(await cli(['chat', 'list', '--workspace', 'prod-eu'])))).toEqual([]);

      const empty = await cli(['chat', 'send', notesChat, '   ']);
      expect(empty.code).toBe(2);
      const missing = await cli(['chat', 'send', 'chat_doesnotexist', 'hi']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('code not_found');
    });

    it('chat run runs an allowed tool on the real agent and prints its result; other tools are refused', async () => {
      const r = ok(await cli(['chat', 'run', pinnedChat, 'system_info']));
      const [call, result] = [lines(r)[0]!, lines(r).slice(1).join('\n')];
      expect(call).toMatch(/^operator usr_\w+: calls system_info \{\} \(call \w+, execution (exe_\w+)\)$/);
      const executionId = /execution (exe_\w+)/.exec(call)![1]!;
      expect(result).toMatch(
        new RegExp(
          `^result of system_info \\(call \\w+, ${executionId}\\): completed, exit 0\n  \\{\n    "hostname": `,
        ),
      );
      expect(r.stderr).toContain(`Execution ${executionId} completed`);

      const executions = rows(ok(await cli(['exec', 'list', '--chat', pinnedChat])));
      expect(executions.map((e) => [e[0], e[1], e[5]])).toEqual([[executionId, 'system_info', 'chat']]);

      const refused = await cli(['chat', 'run', pinnedChat, 'http_probe', '--arg', 'url=http://127.0.0.1:1']);
      expect(refused.code).toBe(4);
      expect(refused.stderr).toContain('code chat_tool_not_allowed');
      const shown = transcript(ok(await cli(['chat', 'show', pinnedChat])));
      expect(shown[0]).toBe(call);
      expect(shown.join('\n')).toContain(`result of system_info (call `);
    });

    let approvalId: string;

    it('a tool call that needs an approval exits 8, printing the question and how to answer it', async () => {
      ok(
        await cli([
          'chat',
          'run',
          pinnedChat,
          'file_write',
          '--arg',
          'path=chat/a.txt',
          '--arg',
          'content=x',
        ]),
      );
      const waiting = await cli([
        'chat',
        'run',
        pinnedChat,
        'file_delete',
        '--args-json',
        '{"path": "chat/a.txt"}',
      ]);
      expect(waiting.code, waiting.stderr).toBe(8);
      const found = /waits for approval (apr_\w+) \(destructive\)/.exec(waiting.stderr)![1]!;
      expect(found).toMatch(/^apr_\w+$/);
      expect(waiting.stderr).toContain(`"xeroctl chat answer ${pinnedChat} ${found} --approve"`);
      expect(waiting.stdout).toContain(`question: `);
      expect(waiting.stdout).toContain(`  approve: xeroctl chat answer ${pinnedChat} ${found} --approve\n`);
      approvalId = found;
    });

    it('another owner answers the question in the chat; the result arrives and the turn is idle', async () => {
      const pending = await cli(['chat', 'show', pinnedChat]);
      expect(pending.stderr).toContain(
        `Waiting for approval ${approvalId}: file_delete {"path":"chat/a.txt"} (destructive)`,
      );

      const wrongChat = await asBob(['chat', 'answer', notesChat, approvalId, '--approve']);
      expect(wrongChat.code).toBe(1);
      expect(wrongChat.stderr).toContain('code not_found');
      expect((await asBob(['chat', 'answer', pinnedChat, approvalId])).code).toBe(2);
      const answered = ok(
        await asBob(['chat', 'answer', pinnedChat, approvalId, '--approve', '--note', 'checked']),
      );
      expect(fields(answered)).toMatchObject({ ID: approvalId, STATUS: 'approved', NOTE: 'checked' });
      expect(answered.stderr).toContain(`Follow the chat with "xeroctl chat watch ${pinnedChat}".`);

      await vi.waitFor(
        async () => {
          const shown = ok(await cli(['chat', 'show', pinnedChat]));
          expect(fields(shown).TURN).toBe('idle');
          expect(transcript(shown)).toContainEqual(
            expect.stringMatching(/^result of file_delete \(call \w+, exe_\w+\): completed, exit 0$/),
          );
        },
        { timeout: 30_000, interval: 500 },
      );
      const again = await asBob(['chat', 'answer', pinnedChat, approvalId, '--reject', '--reason', 'late']);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('code approval_already_decided');
    });

    it('chat watch follows the chat on its stream until Ctrl-C; delete removes the chat', async () => {
      const watch = spawnXeroctl(home, ['chat', 'watch', notesChat]);
      await vi.waitFor(
        () => expect(watch.stderr()).toContain(`watch: connected, following chat ${notesChat}`),
        {
          timeout: 30_000,
        },
      );
      ok(await cli(['chat', 'send', notesChat, 'are you watching?']));
      await vi.waitFor(() => expect(watch.stdout()).toContain('user: are you watching?\n'), {
        timeout: 15_000,
      });
      watch.kill('SIGINT');
      expect((await watch.done).code).toBe(0);

      const deleted = ok(await cli(['chat', 'delete', notesChat]));
      expect(deleted.stderr).toContain(`Deleted chat ${notesChat}`);
      const gone = await cli(['chat', 'show', notesChat]);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toContain('code not_found');
    });
  },
);
