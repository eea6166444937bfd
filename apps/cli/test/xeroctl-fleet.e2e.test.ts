import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT_MS, runXeroctl, type CliResult } from './run-xeroctl';
import { startServer, type StartedServer } from '../../../test-support/start-server';

let server: StartedServer;
let home: string;

const cli = (args: string[], opts?: { stdin?: string }) => runXeroctl(home, args, opts);

/** Piped table output: one record per line, fields split on tabs. */
const rows = (r: CliResult) =>
  r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('\t'));
/** Piped record output (`show` and friends): FIELD<TAB>value per line. */
const fields = (r: CliResult) => Object.fromEntries(rows(r).map(([k, ...v]) => [k, v.join('\t')]));

function ok(r: CliResult): CliResult {
  if (r.code !== 0)
    throw new Error(`exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}\nserver:\n${server.output()}`);
  return r;
}

beforeAll(async () => {
  // No local agent: the agent list and tool catalogue start empty.
  server = await startServer({ env: { XEM_LOCAL_AGENT: 'false' } });
  home = mkdtempSync(join(tmpdir(), 'xeroctl-fleet-'));
  ok(
    await cli(
      ['--base-url', server.baseUrl, 'auth', 'login', '--email', server.adminEmail, '--password-stdin'],
      {
        stdin: `${server.adminPassword}\n`,
      },
    ),
  );
});

afterAll(async () => {
  await server?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe(
  `xeroctl workspaces, join keys and agents against the real server (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`,
  { timeout: CLI_TEST_TIMEOUT_MS },
  () => {
    it('creates, lists, shows, pauses and resumes workspaces', async () => {
      const initial = rows(ok(await cli(['workspaces', 'list'])));
      expect(initial).toHaveLength(1);
      expect(initial[0]!.slice(1, 5)).toEqual(['default', 'generic', 'yes', 'no']);

      const created = fields(
        ok(await cli(['workspaces', 'create', 'prod-eu', '--type', 'linux', '--description', 'EU hosts'])),
      );
      expect(created).toMatchObject({
        NAME: 'prod-eu',
        TYPE: 'linux',
        DESCRIPTION: 'EU hosts',
        DEFAULT: 'no',
      });
      expect(created.ID).toMatch(/^ws_/);
      const again = await cli(['workspaces', 'create', 'prod-eu']);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('code conflict');

      expect(rows(ok(await cli(['workspaces', 'list']))).map((r) => r[1])).toEqual(
        expect.arrayContaining(['default', 'prod-eu']),
      );
      expect(fields(ok(await cli(['workspaces', 'show', 'prod-eu']))).ID).toBe(created.ID);
      expect(
        JSON.parse(ok(await cli(['-o', 'json', 'workspaces', 'show', created.ID!])).stdout),
      ).toMatchObject({
        name: 'prod-eu',
      });

      const paused = fields(ok(await cli(['workspaces', 'pause', 'prod-eu', '--reason', 'change freeze'])));
      expect(paused).toMatchObject({ PAUSED: 'yes', PAUSE_REASON: 'change freeze' });
      expect(rows(ok(await cli(['workspaces', 'list']))).find((r) => r[1] === 'prod-eu')![4]).toBe('yes');
      expect(fields(ok(await cli(['workspaces', 'resume', 'prod-eu'])))).toMatchObject({
        PAUSED: 'no',
        PAUSE_REASON: '',
      });
      expect((await cli(['workspaces', 'pause', 'prod-eu'])).code).toBe(2);
      expect((await cli(['workspaces', 'show', 'nowhere'])).code).toBe(1);
    });

    it('creates, lists and revokes join keys', async () => {
      const created = ok(
        await cli([
          'agents',
          'join-keys',
          'create',
          '--name',
          'rack 4',
          '--region',
          'eu',
          '--max-uses',
          '2',
          '--workspace',
          'prod-eu',
        ]),
      );
      const key = created.stdout.trim();
      expect(key).toMatch(/^xjk_[0-9A-Za-z]{43}$/);
      expect(created.stderr).toContain('will not be shown again');
      expect(created.stderr).toContain(
        `XEM_ROUTER_URL=${server.baseUrl} XEM_JOIN_KEY=${key} XEM_REGISTRATION_NAME=rack-4 npx xem-agent`,
      );

      const listed = rows(ok(await cli(['agents', 'join-keys', 'list'])));
      expect(listed).toHaveLength(1);
      const [id, name, region, prefix, workspaceId, uses, active] = listed[0]!;
      expect([name, region, uses, active]).toEqual(['rack 4', 'eu', '0/2', 'yes']);
      expect(key.startsWith(prefix!)).toBe(true);
      expect(workspaceId).toMatch(/^ws_/);

      const revoked = ok(await cli(['agents', 'join-keys', 'revoke', id!]));
      expect(revoked.stderr).toContain(`Revoked join key ${id}`);
      expect(rows(ok(await cli(['agents', 'join-keys', 'list'])))[0]![6]).toBe('no');
      const json = JSON.parse(ok(await cli(['-o', 'json', 'agents', 'join-keys', 'create'])).stdout);
      expect(json).toMatchObject({
        key: expect.stringMatching(/^xjk_/),
        join_key: { max_uses: 1, active: true },
      });
    });

    it('lists no agents before any agent enrolled', async () => {
      expect(ok(await cli(['agents', 'list'])).stdout).toBe('');
      expect(JSON.parse(ok(await cli(['-o', 'json', 'agents', 'list'])).stdout)).toEqual({
        data: [],
        next_cursor: null,
      });
      const missingAgent = await cli(['agents', 'show', 'agt_missing']);
      expect(missingAgent.code).toBe(1);
    });
  },
);
