import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT_MS, runXeroctl, type CliResult } from './run-xeroctl';
import { startServer, type StartedServer } from '../../../test-support/start-server';

let server: StartedServer;
let home: string;
let bobHome: string;

const cli = (args: string[], opts?: { stdin?: string }) => runXeroctl(home, args, opts);
const asBob = (args: string[], opts?: { stdin?: string }) => runXeroctl(bobHome, args, opts);

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

const BOB = 'bob@example.test';
const BOB_PASSWORD = 'bob-password-123';

beforeAll(async () => {
  server = await startServer({ env: { XEM_LOCAL_AGENT: 'false' } });
  home = mkdtempSync(join(tmpdir(), 'xeroctl-delegations-'));
  bobHome = mkdtempSync(join(tmpdir(), 'xeroctl-delegations-bob-'));
  ok(
    await cli(
      ['--base-url', server.baseUrl, 'auth', 'login', '--email', server.adminEmail, '--password-stdin'],
      { stdin: `${server.adminPassword}\n` },
    ),
  );
  // Bob joins through an invitation link, which also sets his password.
  const invited = ok(await cli(['project', 'members', 'add', BOB]));
  const token = new URL(invited.stdout.trim()).searchParams.get('token');
  const accepted = await fetch(`${server.baseUrl}/ops/invitations/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, password: BOB_PASSWORD }),
  });
  if (accepted.status !== 200) throw new Error(`accept: ${accepted.status} ${await accepted.text()}`);
});

afterAll(async () => {
  await server?.stop();
  for (const dir of [home, bobHome]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe(
  `xeroctl project delegations against the real server (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`,
  { timeout: CLI_TEST_TIMEOUT_MS },
  () => {
    it('grants by e-mail with --until, lists, refuses bad grants, and revokes', async () => {
      const before = Date.now();
      const granted = ok(
        await cli(['project', 'delegations', 'grant', BOB, '--tier', 'irreversible', '--until', '8h']),
      );
      const [row] = rows(granted);
      expect(row).toHaveLength(9);
      const [id, userId, email, tier, active, expires] = row!;
      expect(id).toMatch(/^dlg_\w+$/);
      expect(userId).toMatch(/^usr_\w+$/);
      expect([email, tier, active]).toEqual([BOB, 'irreversible', 'yes']);
      const hours = (Date.parse(expires!) - before) / 3_600_000;
      expect(hours).toBeGreaterThan(7.9);
      expect(hours).toBeLessThan(8.1);
      expect(granted.stderr).toContain(`${BOB} may now approve irreversible and destructive requests until`);

      const live = JSON.parse(
        ok(await cli(['-o', 'json', 'project', 'delegations', 'list', '--active'])).stdout,
      );
      expect(live.data.map((d: { id: string }) => d.id)).toEqual([id]);

      const refusals: Array<[string[], number, RegExp]> = [
        [
          [BOB, '--tier', 'irreversible'],
          1,
          /already holds a live irreversible delegation .*\(code conflict, /,
        ],
        [
          [server.adminEmail, '--tier', 'destructive'],
          1,
          /is an admin and may already approve every risk tier.*\(code conflict, /,
        ],
        [['stranger@example.test', '--tier', 'destructive'], 1, /stranger@example.test is not a member/],
        [
          [BOB, '--tier', 'destructive', '--until', '2001-01-01'],
          1,
          /not in the future .*\(code invalid_body, /,
        ],
        [[BOB, '--tier', 'write'], 2, /^error: /],
        [[BOB, '--tier', 'destructive', '--until', 'soon'], 2, /expected a time/],
        [[BOB], 2, /--tier/],
      ];
      for (const [args, code, stderr] of refusals) {
        const r = await cli(['project', 'delegations', 'grant', ...args]);
        expect({ args, code: r.code }).toEqual({ args, code });
        expect(r.stderr).toMatch(stderr);
      }

      const revoked = JSON.parse(
        ok(await cli(['-o', 'json', 'project', 'delegations', 'revoke', id!])).stdout,
      );
      expect(revoked).toMatchObject({ id, active: false, revoked_at: expect.any(String) });
      expect(ok(await cli(['project', 'delegations', 'list', '--active'])).stdout).toBe('');
      const history = rows(ok(await cli(['project', 'delegations', 'list', '--user', BOB])));
      expect(history.map((r) => [r[0], r[4]])).toEqual([[id, 'no']]);
      expect((await cli(['project', 'delegations', 'revoke', 'dlg_nonexistent'])).stderr).toMatch(
        /\(code not_found, /,
      );
    });

    it('a delegate who is not an owner cannot grant or revoke (exit 4, owner_required), but can list', async () => {
      const carol = ok(
        await cli(['project', 'members', 'add', 'carol@example.test', '--initial-password-stdin'], {
          stdin: 'carol-initial-pw\n',
        }),
      );
      expect(rows(carol)[0]![3]).toBe('member');
      // Bob signs in while an owner, so his key has the management scope, then goes back to member.
      ok(await cli(['project', 'members', 'set-role', BOB, 'owner']));
      ok(
        await asBob(['--base-url', server.baseUrl, 'auth', 'login', '--email', BOB, '--password-stdin'], {
          stdin: `${BOB_PASSWORD}\n`,
        }),
      );
      ok(await cli(['project', 'members', 'set-role', BOB, 'member']));
      const [bobDelegation] = rows(
        ok(await cli(['project', 'delegations', 'grant', BOB, '--tier', 'destructive'])),
      );

      const grant = await asBob([
        'project',
        'delegations',
        'grant',
        'carol@example.test',
        '--tier',
        'destructive',
      ]);
      expect(grant.code).toBe(4);
      expect(grant.stderr).toMatch(
        /only project owners can grant approval delegations \(code owner_required, /,
      );
      const revoke = await asBob(['project', 'delegations', 'revoke', bobDelegation![0]!]);
      expect(revoke.code).toBe(4);
      expect(revoke.stderr).toContain('code owner_required');

      const seen = rows(ok(await asBob(['project', 'delegations', 'list', '--active'])));
      expect(seen.map((r) => [r[0], r[2]])).toEqual([[bobDelegation![0], BOB]]);
    });

    it('removing the member ends their delegations; list --user takes the id of someone who left', async () => {
      const bobId = rows(ok(await cli(['project', 'members', 'list']))).find((r) => r[1] === BOB)![0]!;
      ok(await cli(['project', 'members', 'remove', BOB]));
      expect(ok(await cli(['project', 'delegations', 'list', '--active'])).stdout).toBe('');
      const all = JSON.parse(
        ok(await cli(['-o', 'json', 'project', 'delegations', 'list', '--user', bobId])).stdout,
      );
      expect(all.data.length).toBe(2);
      expect(
        all.data.every((d: { active: boolean; revoked_at: string | null }) => !d.active && d.revoked_at),
      ).toBe(true);
      const audit = rows(ok(await cli(['audit', 'list', '--action', 'delegation.revoke'])));
      expect(audit.length).toBe(2);
    });
  },
);
