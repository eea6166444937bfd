import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApprovalPolicy, listOf } from '@xem/protocol';
import { CLI_TEST_TIMEOUT_MS, runXeroctl, type CliResult } from './run-xeroctl';
import { startServer, type StartedServer } from '../../../test-support/start-server';

let server: StartedServer;
let home: string;
let memberId: string;

const cli = (args: string[], opts?: { stdin?: string }) => runXeroctl(home, args, opts);

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
  );
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

function file(name: string, text: string): string {
  const path = join(home, name);
  writeFileSync(path, text);
  return path;
}

beforeAll(async () => {
  server = await startServer({ env: { XEM_LOCAL_AGENT: 'false' } });
  home = mkdtempSync(join(tmpdir(), 'xeroctl-policy-'));
  ok(
    await cli(
      ['--base-url', server.baseUrl, 'auth', 'login', '--email', server.adminEmail, '--password-stdin'],
      { stdin: `${server.adminPassword}\n` },
    ),
  );
  ok(await cli(['workspaces', 'create', 'prod-eu']));
  ok(
    await cli(
      ['project', 'members', 'add', 'bob@example.test', '--role', 'member', '--initial-password-stdin'],
      {
        stdin: 'bob-Password-123\n',
      },
    ),
  );
  const list = JSON.parse(ok(await cli(['-o', 'json', 'project', 'members', 'list'])).stdout) as {
    data: Array<{ user_id: string; email: string }>;
  };
  memberId = list.data.find((m) => m.email === 'bob@example.test')!.user_id;
});

afterAll(async () => {
  await server?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe(
  `xeroctl workspaces policy against the real server (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`,
  { timeout: CLI_TEST_TIMEOUT_MS },
  () => {
    it('shows the built-in default (version 0) before anything is set', async () => {
      const shown = fields(ok(await cli(['workspaces', 'policy', 'show', 'prod-eu'])));
      expect(shown).toMatchObject({
        VERSION: '0',
        UPDATED_AT: '',
        READ: 'no approval, timeout 900s, on timeout escalate, self-approval allowed',
        DESTRUCTIVE: 'approval required, timeout 900s, on timeout escalate, self-approval allowed',
        DESTRUCTIVE_STAGES: '1) 1 of role:owner|delegates:destructive within 900s',
        IRREVERSIBLE: 'approval required, timeout 3600s, on timeout reject, self-approval forbidden',
      });
      expect(shown.WORKSPACE).toMatch(/^ws_/);
      const json = ApprovalPolicy.parse(
        JSON.parse(ok(await cli(['workspaces', 'policy', 'show', 'prod-eu', '--json'])).stdout),
      );
      expect(json.version).toBe(0);
      expect(rows(ok(await cli(['workspaces', 'policy', 'history', 'prod-eu'])))).toEqual([]);
    });

    it('set reads YAML, stores version 1 and prints it; partial files keep the other levels', async () => {
      const yaml = file(
        'policy.yaml',
        [
          'levels:',
          '  destructive:',
          '    requires_approval: true',
          '    timeout_seconds: 600',
          '    on_timeout: escalate',
          '    self_approval: forbidden',
          '    escalation:',
          `      - approvers: [${memberId}, oncall@example.test]`,
          '        required_approvals: 2',
          '        timeout_seconds: 300',
          '      - approvers: ["role:owner"]',
          '',
        ].join('\n'),
      );
      const set = ok(await cli(['workspaces', 'policy', 'set', 'prod-eu', '--file', yaml]));
      expect(fields(set)).toMatchObject({
        VERSION: '1',
        DESTRUCTIVE: 'approval required, timeout 600s, on timeout escalate, self-approval forbidden',
        DESTRUCTIVE_STAGES: `1) 2 of ${memberId}|oncall@example.test within 300s; 2) 1 of role:owner within 600s`,
        IRREVERSIBLE: 'approval required, timeout 3600s, on timeout reject, self-approval forbidden',
      });
      expect(set.stderr).toContain('Stored approval policy version 1 of workspace prod-eu');
      const again = ok(await cli(['workspaces', 'policy', 'set', 'prod-eu', '--file', yaml]));
      expect(fields(again).VERSION).toBe('1');
      expect(again.stderr).toContain('Nothing changed: workspace prod-eu keeps approval policy version 1.');

      // What show --json prints can be edited and set again as it is.
      const saved = JSON.parse(
        ok(await cli(['workspaces', 'policy', 'show', 'prod-eu', '--json'])).stdout,
      ) as ApprovalPolicy;
      saved.levels.write = {
        ...saved.levels.write,
        requires_approval: true,
        escalation: [{ approvers: ['role:owner'], required_approvals: 1 }],
      };
      const json = file('policy.json', JSON.stringify(saved));
      expect(fields(ok(await cli(['workspaces', 'policy', 'set', 'prod-eu', '--file', json])))).toMatchObject(
        {
          VERSION: '2',
          WRITE: 'approval required, timeout 900s, on timeout escalate, self-approval allowed',
        },
      );

      const history = rows(ok(await cli(['workspaces', 'policy', 'history', 'prod-eu'])));
      expect(history.map((r) => [r[0], r[3]])).toEqual([
        ['2', 'write,destructive,irreversible'],
        ['1', 'destructive,irreversible'],
      ]);
      const page = listOf(ApprovalPolicy).parse(
        JSON.parse(
          ok(await cli(['-o', 'json', 'workspaces', 'policy', 'history', 'prod-eu', '--limit', '1'])).stdout,
        ),
      );
      expect(page.data.map((p) => p.version)).toEqual([2]);
      expect(page.next_cursor).not.toBeNull();

      const v1 = fields(ok(await cli(['workspaces', 'policy', 'show', 'prod-eu', '--policy-version', '1'])));
      expect(v1).toMatchObject({
        VERSION: '1',
        WRITE: 'no approval, timeout 900s, on timeout escalate, self-approval allowed',
      });
      const v0 = fields(ok(await cli(['workspaces', 'policy', 'show', 'prod-eu', '--policy-version', '0'])));
      expect(v0.VERSION).toBe('0');
      const missing = await cli(['workspaces', 'policy', 'show', 'prod-eu', '--policy-version', '9']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('code not_found');
    });

    it('a policy the server refuses exits 1 naming the field; a bad file is a usage error', async () => {
      const bad = file(
        'bad.yaml',
        [
          'levels:',
          '  irreversible:',
          '    requires_approval: true',
          '    timeout_seconds: 600',
          '    on_timeout: approve',
          '    self_approval: forbidden',
          '    escalation: [{approvers: ["role:owner"]}]',
          '',
        ].join('\n'),
      );
      const refused = await cli(['workspaces', 'policy', 'set', 'prod-eu', '--file', bad]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('levels.irreversible.on_timeout');
      expect(refused.stderr).toContain('code invalid_body');

      const stranger = file(
        'stranger.json',
        JSON.stringify({
          levels: {
            read: {
              requires_approval: true,
              timeout_seconds: 60,
              on_timeout: 'reject',
              self_approval: 'allowed',
              escalation: [{ approvers: ['usr_stranger00000000000'] }],
            },
          },
        }),
      );
      const notMember = await cli(['workspaces', 'policy', 'set', 'prod-eu', '--file', stranger]);
      expect(notMember.code).toBe(1);
      expect(notMember.stderr).toContain(
        'levels.read.escalation.0.approvers.0: usr_stranger00000000000 is not a member',
      );

      expect(
        (await cli(['workspaces', 'policy', 'set', 'prod-eu', '--file', file('x.json', '{"levels": ')])).code,
      ).toBe(2);
      expect(
        (await cli(['workspaces', 'policy', 'set', 'prod-eu', '--file', file('y.yaml', '- a list\n')])).code,
      ).toBe(2);
      expect(
        (await cli(['workspaces', 'policy', 'set', 'prod-eu', '--file', join(home, 'nope.yaml')])).code,
      ).toBe(2);
      expect((await cli(['workspaces', 'policy', 'set', 'prod-eu'])).code).toBe(2);
      // Nothing of the above made a version.
      expect(fields(ok(await cli(['workspaces', 'policy', 'show', 'prod-eu']))).VERSION).toBe('2');
    });
  },
);
