import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT_MS, runXeroctl, type CliResult } from './run-xeroctl';
import { freePort, REPO_ROOT, startServer, type StartedServer } from '../../../test-support/start-server';

const KEY_RE = /^xero_default_[0-9A-Za-z]{43}$/;

let server: StartedServer;
let home: string;
const homes: string[] = [];

function freshHome(): string {
  const dir = mkdtempSync(join(tmpdir(), 'xeroctl-home-'));
  homes.push(dir);
  return dir;
}

const cli = (args: string[], opts?: { stdin?: string; env?: Record<string, string> }) =>
  runXeroctl(home, args, opts);

/** Piped table output: one record per line, fields split on tabs. */
const rows = (r: CliResult) =>
  r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t'));

function ok(r: CliResult): CliResult {
  if (r.code !== 0)
    throw new Error(`exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}\nserver:\n${server.output()}`);
  return r;
}

beforeAll(async () => {
  server = await startServer();
  home = freshHome();
});

afterAll(async () => {
  await server?.stop();
  for (const dir of homes) rmSync(dir, { recursive: true, force: true });
});

describe(
  `xeroctl against the real server (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`,
  { timeout: CLI_TEST_TIMEOUT_MS },
  () => {
    let projectId: string;

    it('logs in with the password on stdin and saves the key in a 0600 context', async () => {
      const r = ok(
        await cli(
          ['--base-url', server.baseUrl, 'auth', 'login', '--email', server.adminEmail, '--password-stdin'],
          {
            stdin: `${server.adminPassword}\n`,
          },
        ),
      );
      expect(r.stderr).toContain('Logged in');
      const file = join(home, '.config/xeroctl/config.toml');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const text = readFileSync(file, 'utf8');
      expect(text).toContain(`base_url = "${server.baseUrl}"`);
      projectId = /project_id = "(proj_\w+)"/.exec(text)![1]!;
      expect(text).toMatch(/api_key = "xero_default_/);
    });

    it('whoami prints tab-separated fields when piped and parseable JSON with -o json', async () => {
      const piped = ok(await cli(['auth', 'whoami']));
      expect(rows(piped)).toContainEqual(['USER', server.adminEmail]);
      expect(rows(piped)).toContainEqual(['PROJECT_ID', projectId]);
      const json = JSON.parse(ok(await cli(['-o', 'json', 'auth', 'whoami'])).stdout);
      expect(json).toMatchObject({
        project_id: projectId,
        user: { email: server.adminEmail, role: 'owner' },
      });
    });

    it('creates, lists, rotates and revokes keys', async () => {
      const created = ok(await cli(['keys', 'create', '--name', 'ci', '--scopes', 'execution,inference']));
      const secret = created.stdout.trim();
      expect(secret).toMatch(KEY_RE);
      expect(created.stderr).toContain('will not be shown again');

      const asCi = JSON.parse(ok(await cli(['-o', 'json', '--api-key', secret, 'auth', 'whoami'])).stdout);
      expect(asCi).toMatchObject({ key_name: 'ci', scopes: ['execution', 'inference'] });
      const ciId: string = asCi.key_id;

      const listed = rows(ok(await cli(['keys', 'list'])));
      expect(listed.every((r) => r.length === 7)).toBe(true);
      expect(listed.find((r) => r[0] === ciId)).toEqual([
        ciId,
        'ci',
        expect.stringMatching(/^xero_default_/),
        'execution,inference',
        'yes',
        expect.any(String),
        '',
      ]);
      const json = JSON.parse(ok(await cli(['keys', 'list', '-o', 'json'])).stdout);
      expect(json.data.map((k: { id: string }) => k.id)).toContain(ciId);

      const rotated = ok(await cli(['keys', 'rotate', ciId, '--grace-hours', '0']));
      const successor = rotated.stdout.trim();
      expect(successor).toMatch(KEY_RE);
      expect(successor).not.toBe(secret);
      expect((await cli(['--api-key', secret, 'auth', 'whoami'])).code).toBe(4);
      const newId = JSON.parse(
        ok(await cli(['-o', 'json', '--api-key', successor, 'auth', 'whoami'])).stdout,
      ).key_id;

      const revoked = ok(await cli(['-o', 'json', 'keys', 'revoke', newId]));
      expect(JSON.parse(revoked.stdout)).toMatchObject({ id: newId, active: false });
      const refused = await cli(['--api-key', successor, 'auth', 'whoami']);
      expect(refused.code).toBe(4);
      expect(refused.stderr).toMatch(/^error: .+ \(code invalid_api_key, request req_\w+\)/);
    });

    it('adds, invites, re-roles and removes members, and never removes the last owner', async () => {
      const added = ok(
        await cli(
          ['project', 'members', 'add', 'carol@example.test', '--name', 'Carol', '--initial-password-stdin'],
          {
            stdin: 'carol-initial-pw\n',
          },
        ),
      );
      const [carolId, email, name, role] = rows(added)[0]!;
      expect([email, name, role]).toEqual(['carol@example.test', 'Carol', 'member']);

      const invited = ok(await cli(['project', 'members', 'add', 'dave@example.test', '--role', 'owner']));
      expect(invited.stdout.trim()).toMatch(
        new RegExp(`^${server.baseUrl}/ops/invitations/accept\\?token=\\w+$`),
      );
      const invitations = rows(ok(await cli(['project', 'invitations', 'list'])));
      expect(invitations).toHaveLength(1);
      expect(invitations[0]!.slice(1, 3)).toEqual(['dave@example.test', 'owner']);

      expect(rows(ok(await cli(['project', 'members', 'set-role', carolId!, 'owner'])))[0]![3]).toBe('owner');
      expect(
        rows(ok(await cli(['project', 'members', 'set-role', 'carol@example.test', 'member'])))[0]![3],
      ).toBe('member');
      ok(await cli(['project', 'members', 'remove', carolId!]));
      expect(rows(ok(await cli(['project', 'members', 'list']))).map((r) => r[1])).toEqual([
        server.adminEmail,
      ]);

      // Carol's account still exists, so adding her again needs no password and no invitation.
      const again = JSON.parse(
        ok(await cli(['-o', 'json', 'project', 'members', 'add', 'carol@example.test'])).stdout,
      );
      expect(again).toMatchObject({
        member: { user_id: carolId, role: 'member' },
        invitation: null,
        invite_url: null,
      });

      const adminId = rows(ok(await cli(['project', 'members', 'list']))).find(
        (r) => r[1] === server.adminEmail,
      )![0]!;
      const last = await cli(['project', 'members', 'remove', adminId]);
      expect(last.code).toBe(1);
      expect(last.stderr).toMatch(/\(code last_owner, request req_\w+\)/);

      ok(await cli(['project', 'invitations', 'revoke', invitations[0]![0]!]));
      expect(ok(await cli(['project', 'invitations', 'list'])).stdout).toBe('');
    });

    it('lists audit entries made through the CLI, with filters and pages', async () => {
      const all = rows(ok(await cli(['audit', 'list'])));
      expect(all.length).toBeGreaterThan(5);
      const memberAdds = all.filter((r) => r[2] === 'member.add');
      expect(memberAdds.length).toBeGreaterThanOrEqual(2);
      expect(memberAdds.every((r) => r[5] === 'cli')).toBe(true);

      const filtered = JSON.parse(
        ok(await cli(['-o', 'json', 'audit', 'list', '--action', 'api_key.rotate', '--since', '1h'])).stdout,
      );
      expect(filtered.data).toHaveLength(1);
      expect(filtered.data[0]).toMatchObject({ action: 'api_key.rotate', via: 'cli', outcome: 'success' });

      const first = ok(await cli(['audit', 'list', '--limit', '2']));
      expect(rows(first)).toHaveLength(2);
      const cursor = /--after (\d+)/.exec(first.stderr)![1]!;
      const next = rows(ok(await cli(['audit', 'list', '--limit', '2', '--after', cursor])));
      expect(next.map((r) => Number(r[0]))).toEqual([Number(cursor) - 1, Number(cursor) - 2]);
    });

    it('verifies the audit chain', async () => {
      const r = ok(await cli(['audit', 'verify']));
      expect(r.stderr).toMatch(/Audit chain intact: \d+ rows checked/);
      expect(JSON.parse(ok(await cli(['audit', 'verify', '-o', 'json'])).stdout)).toMatchObject({
        ok: true,
        problems: [],
      });
    });

    it('exits 4 for a wrong key and when no key is configured', async () => {
      const wrong = await cli(['--api-key', `xero_default_${'x'.repeat(43)}`, 'keys', 'list']);
      expect(wrong.code).toBe(4);
      expect(wrong.stderr).toContain('code invalid_api_key');
      const none = await runXeroctl(freshHome(), ['--base-url', server.baseUrl, 'keys', 'list']);
      expect(none.code).toBe(4);
      expect(none.stderr).toContain('no API key configured');
    });

    it('exits 2 on usage errors', async () => {
      for (const args of [
        ['keys', 'create', '--name', 'x', '--scopes', 'bogus'],
        ['keys', 'create', '--scopes', 'execution'],
        ['keys', 'frobnicate'],
        ['-o', 'yaml', 'keys', 'list'],
        ['audit', 'list', '--limit', 'many'],
        ['project', 'members', 'set-role', 'usr_x', 'king'],
        ['auth', 'login', '--email', server.adminEmail],
      ]) {
        const r = await cli(args);
        expect({ args, code: r.code }).toEqual({ args, code: 2 });
        expect(r.stderr).toMatch(/^error: /m);
      }
    });

    it('applies flag > env > context for the server URL, and switches contexts', async () => {
      const unreachable = `http://127.0.0.1:${await freePort()}`;
      const viaEnv = await cli(['auth', 'whoami'], { env: { XEROCTL_BASE_URL: unreachable } });
      expect(viaEnv.code).toBe(1);
      expect(viaEnv.stderr).toContain(`cannot reach ${unreachable}`);
      ok(
        await cli(['--base-url', server.baseUrl, 'auth', 'whoami'], {
          env: { XEROCTL_BASE_URL: unreachable },
        }),
      );

      ok(
        await cli([
          'config',
          'init',
          '--name',
          'elsewhere',
          '--base-url',
          unreachable,
          '--api-key',
          'xero_other_k',
        ]),
      );
      const listed = JSON.parse(ok(await cli(['-o', 'json', 'config', 'list'])).stdout);
      expect(listed.current_context).toBe('elsewhere');
      expect(listed.contexts.map((c: { name: string }) => c.name).sort()).toEqual(['default', 'elsewhere']);
      expect((await cli(['auth', 'whoami'])).code).toBe(1);
      ok(await cli(['--context', 'default', 'auth', 'whoami']));
      ok(await cli(['config', 'use', 'default']));
      ok(await cli(['auth', 'whoami']));
      expect((await cli(['config', 'use', 'nowhere'])).code).toBe(1);
    });

    it("runs the README's first tool on the server's local agent", async () => {
      // The server enrolls a local xem-agent into the default workspace at start; wait for its tools.
      const deadline = Date.now() + 30_000;
      while (!rows(ok(await cli(['exec', 'tools']))).some((r) => r[0] === 'system_info')) {
        if (Date.now() > deadline)
          throw new Error(`no local agent tools within 30 s\nserver:\n${server.output()}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      const r = ok(await cli(['exec', 'invoke', 'system_info', '--workspace', 'default', '--wait']));
      expect(JSON.parse(r.stdout)).toHaveProperty('hostname');
      expect(r.stderr).toMatch(/Execution exe_\w+ completed in .+ \(exit 0\)\./);
    });

    it('runs as `npx xeroctl` from the repository root', async () => {
      const { stdout } = await promisify(execFile)('npx', ['--no', 'xeroctl', '--version'], {
        cwd: REPO_ROOT,
      });
      expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    });
  },
);
