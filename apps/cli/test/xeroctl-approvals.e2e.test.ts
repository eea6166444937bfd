import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CLI_TEST_TIMEOUT_MS, runXeroctl, spawnXeroctl, type CliResult } from './run-xeroctl';
import { startServer, type StartedServer } from '../../../test-support/start-server';

let server: StartedServer;
/** The admin (an owner): requests the risky runs. */
let home: string;
/** Bob, a second owner: decides them. */
let bobHome: string;

const BOB = 'bob@example.test';
const BOB_PASSWORD = 'bob-password-123';

const cli = (args: string[], opts?: { stdin?: string }) => runXeroctl(home, args, opts);
const asBob = (args: string[], opts?: { stdin?: string }) => runXeroctl(bobHome, args, opts);

function ok(r: CliResult): CliResult {
  if (r.code !== 0)
    throw new Error(`exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}\nserver:\n${server.output()}`);
  return r;
}

/** Piped record output: FIELD<TAB>value per line. */
const fields = (r: CliResult) =>
  Object.fromEntries(
    r.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [k, ...v] = l.split('\t');
        return [k, v.join('\t')];
      }),
  ) as Record<string, string>;

const approvalIdIn = (stderr: string) => /needs approval (apr_\w+) /.exec(stderr)?.[1];

beforeAll(async () => {
  // The server's local agent runs the core bundle: file_delete is destructive, directory_purge irreversible.
  server = await startServer();
  home = mkdtempSync(join(tmpdir(), 'xeroctl-approvals-'));
  bobHome = mkdtempSync(join(tmpdir(), 'xeroctl-approvals-bob-'));
  const login = (run: typeof cli, email: string, password: string) =>
    run(['--base-url', server.baseUrl, 'auth', 'login', '--email', email, '--password-stdin'], {
      stdin: `${password}\n`,
    });
  ok(await login(cli, server.adminEmail, server.adminPassword));
  // Bob becomes an owner through an invitation link, which also sets his password.
  const invited = ok(await cli(['project', 'members', 'add', BOB, '--role', 'owner']));
  const token = new URL(invited.stdout.trim()).searchParams.get('token');
  const accepted = await fetch(`${server.baseUrl}/ops/invitations/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, password: BOB_PASSWORD }),
  });
  if (accepted.status !== 200) throw new Error(`accept: ${accepted.status} ${await accepted.text()}`);
  ok(await login(asBob, BOB, BOB_PASSWORD));
  await vi.waitFor(
    async () => {
      const tools = ok(await cli(['exec', 'tools'])).stdout;
      if (!/^directory_purge\t/m.test(tools))
        throw new Error('the local agent has not published its tools yet');
    },
    { timeout: 30_000, interval: 250 },
  );
});

afterAll(async () => {
  await server?.stop();
  for (const dir of [home, bobHome]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe(
  `xeroctl approvals against the real server (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`,
  { timeout: CLI_TEST_TIMEOUT_MS },
  () => {
    let executionId: string;
    let approvalId: string;

    it('exec invoke --wait of an irreversible tool prints its approval and exits 8 while still pending', async () => {
      const write = ['exec', 'invoke', 'file_write', '--workspace', 'default', '--arg', 'content=x'];
      ok(await cli([...write, '--arg', 'path=purge-me/a.txt', '--wait']));
      const r = await cli([
        'exec',
        'invoke',
        'directory_purge',
        '--workspace',
        'default',
        '--arg',
        'path=purge-me',
        '--wait',
        '--timeout',
        '2s',
      ]);
      expect(r.code, r.stderr).toBe(8);
      executionId = r.stdout.trim();
      expect(executionId).toMatch(/^exe_\w+$/);
      approvalId = approvalIdIn(r.stderr)!;
      expect(approvalId).toMatch(/^apr_\w+$/);
      expect(r.stderr).toContain(`  xeroctl approvals approve ${approvalId} --confirm directory_purge\n`);
      expect(r.stderr).toContain(
        `error: execution ${executionId} is still pending_approval after 2s: approval ${approvalId} has no decision yet`,
      );
    });

    it('the requester may not approve their own irreversible request (exit 4), and show says why', async () => {
      const own = await cli(['approvals', 'approve', approvalId, '--confirm', 'directory_purge']);
      expect(own.code).toBe(4);
      expect(own.stderr).toMatch(
        /^error: separation of duties: the irreversible level forbids approving your own request; it can be decided by project owners.* \(code approver_not_authorized, request req_\w+\)$/m,
      );
      expect(fields(ok(await cli(['approvals', 'show', approvalId]))).DECIDE).toMatch(
        /^you cannot: separation of duties: /,
      );
    });

    it('a second owner must type the tool name exactly: other case, a trailing space or nothing at all fail', async () => {
      const shown = fields(ok(await asBob(['approvals', 'show', approvalId])));
      expect(shown).toMatchObject({
        STATUS: 'pending',
        TOOL: 'directory_purge',
        RISK: 'irreversible',
        ARGS: '{"path":"purge-me"}',
        EXECUTION: executionId,
        STAGE: '1/1',
        VOTES: '0/1',
        APPROVERS: 'role:owner,delegates:irreversible',
        DECIDE: 'you can decide',
      });
      expect(shown.DEADLINE).toMatch(/^\d{4}-\d\d-\d\dT/);

      for (const typed of ['DIRECTORY_PURGE', 'directory_purge ']) {
        const r = await asBob(['approvals', 'approve', approvalId, '--confirm', typed]);
        expect({ typed, code: r.code }).toEqual({ typed, code: 1 });
        expect(r.stderr).toContain('(code approval_confirm_mismatch, ');
      }
      // No terminal to ask on (stdin is a pipe) and no --confirm: a usage error, nothing sent.
      const unasked = await asBob(['approvals', 'approve', approvalId]);
      expect(unasked.code).toBe(2);
      expect(unasked.stderr).toContain(`approval ${approvalId} is for the irreversible tool directory_purge`);

      const approved = ok(
        await asBob(['approvals', 'approve', approvalId, '--confirm', 'directory_purge', '--note', 'e2e ok']),
      );
      expect(fields(approved)).toMatchObject({ STATUS: 'approved', VOTES: '1/1', NOTE: 'e2e ok' });
      expect(approved.stderr).toContain(`Approved ${approvalId}: execution ${executionId} (directory_purge)`);
      const again = await asBob(['approvals', 'approve', approvalId, '--confirm', 'directory_purge']);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain(`approval ${approvalId} is already approved`);
      expect(again.stderr).toContain('(code approval_already_decided, ');
    });

    it('the approved purge runs, and approvals list and show reflect the decision', async () => {
      const watched = ok(await cli(['exec', 'watch', executionId]));
      expect(watched.stdout.trim().split('\n').at(-1)!.split('\t').slice(1)).toEqual([
        'x_exec.execution.completed',
        executionId,
        'directory_purge',
        'completed',
      ]);
      expect(JSON.parse(ok(await cli(['exec', 'raw', executionId])).stdout)).toEqual({
        path: 'purge-me',
        removed_entries: 1,
      });
      const rows = ok(await cli(['approvals', 'list', '--tool', 'directory_purge', '--status', 'approved']))
        .stdout.split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t'));
      expect(rows.map((r) => r.slice(0, 7))).toEqual([
        [
          approvalId,
          'approved',
          'irreversible',
          'directory_purge',
          expect.stringMatching(/^ws_/),
          '1/1',
          '1/1',
        ],
      ]);
      expect(ok(await cli(['approvals', 'list', '--status', 'pending'])).stdout).toBe('');

      const shown = JSON.parse(ok(await cli(['-o', 'json', 'approvals', 'show', approvalId])).stdout);
      expect(shown).toMatchObject({
        status: 'approved',
        decided_by: { email: BOB, via: 'cli' },
        note: 'e2e ok',
        viewer: { can_decide: false, reason: 'the approval is approved' },
      });
      expect(shown.votes).toMatchObject([{ decision: 'approve', email: BOB, note: 'e2e ok', via: 'cli' }]);
    });

    it('exec invoke --wait follows a destructive run through its approval to the end; approvals watch streams it', async () => {
      ok(
        await cli([
          'exec',
          'invoke',
          'file_write',
          '--workspace',
          'default',
          '--arg',
          'path=b.txt',
          '--arg',
          'content=x',
          '--wait',
        ]),
      );
      const watch = spawnXeroctl(bobHome, ['approvals', 'watch', '--risk', 'destructive', '--json']);
      await vi.waitFor(() => expect(watch.stderr()).toContain('watch: connected'), {
        timeout: 20_000,
        interval: 100,
      });
      const invoke = spawnXeroctl(home, [
        'exec',
        'invoke',
        'file_delete',
        '--workspace',
        'default',
        '--arg',
        'path=b.txt',
        '--wait',
        '--timeout',
        '90s',
      ]);
      await vi.waitFor(() => expect(approvalIdIn(invoke.stderr())).toBeDefined(), {
        timeout: 20_000,
        interval: 100,
      });
      const id = approvalIdIn(invoke.stderr())!;
      // Destructive needs no typed name; the default policy lets any owner decide.
      ok(await asBob(['approvals', 'approve', id]));
      const r = await invoke.done;
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`Approval ${id} granted; execution exe_\\w+ is queued\\.`));
      expect(r.stderr).toMatch(/Execution exe_\w+ completed/);

      await vi.waitFor(() => expect(watch.stdout()).toContain('x_exec.approval.decided'), {
        timeout: 20_000,
      });
      watch.kill('SIGINT');
      const watched = await watch.done;
      expect(watched.code).toBe(0);
      const events = watched.stdout
        .split('\n')
        .filter(Boolean)
        .map(
          (l) =>
            JSON.parse(l) as {
              id: string;
              event: string;
              data: { id: string; status: string; tool: string };
            },
        );
      expect(events.map((e) => [e.event, e.data.id, e.data.tool, e.data.status])).toEqual([
        ['x_exec.approval.requested', id, 'file_delete', 'pending'],
        ['x_exec.approval.decided', id, 'file_delete', 'approved'],
      ]);
      expect(Number(events[1]!.id)).toBeGreaterThan(Number(events[0]!.id));
    });
  },
);
