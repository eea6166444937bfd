import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Template } from '@xem/protocol';
import { CLI_TEST_TIMEOUT_MS, runXeroctl, type CliResult } from './run-xeroctl';
import { startServer, type StartedServer } from '../../../test-support/start-server';

let server: StartedServer;
let home: string;

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
  home = mkdtempSync(join(tmpdir(), 'xeroctl-templates-'));
  ok(
    await cli(
      ['--base-url', server.baseUrl, 'auth', 'login', '--email', server.adminEmail, '--password-stdin'],
      { stdin: `${server.adminPassword}\n` },
    ),
  );
  ok(await cli(['workspaces', 'create', 'prod-eu', '--type', 'kubernetes']));
});

afterAll(async () => {
  await server?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe(
  `xeroctl templates against the real server (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'})`,
  { timeout: CLI_TEST_TIMEOUT_MS },
  () => {
    it('creates, lists, versions, shows, promotes and deletes, resolving names', async () => {
      const yaml = file(
        'triage.yaml',
        [
          'name: triage',
          'system_prompt: |',
          '  You help with incidents.',
          'allowed_tools: [kubectl_get, kubectl_describe]',
          'metadata:',
          '  description: first response',
          '  tags: [sre]',
        ].join('\n'),
      );
      const project = ok(await cli(['templates', 'create', '--file', yaml]));
      expect(fields(project)).toMatchObject({
        SCOPE: 'project',
        NAME: 'triage',
        VERSION: '1',
        DESCRIPTION: 'first response',
        TAGS: 'sre',
        ALLOWED_TOOLS: 'kubectl_describe,kubectl_get',
        SYSTEM_PROMPT: 'You help with incidents. ',
      });
      expect(project.stderr).toContain('Created project template triage');
      const projectId = fields(project).ID!;
      const local = fields(ok(await cli(['templates', 'create', '--file', yaml, '--workspace', 'prod-eu'])));
      expect(local).toMatchObject({ SCOPE: 'workspace', NAME: 'triage' });
      expect(local.WORKSPACE).toMatch(/^ws_/);

      // Same name: the order between them is by id.
      const listed = rows(ok(await cli(['templates', 'list']))).map((r) => r.slice(1, 5));
      expect(listed.sort()).toEqual([
        ['triage', 'project', '', '1'],
        ['triage', 'workspace', local.WORKSPACE, '1'],
      ]);
      const scoped = rows(
        ok(await cli(['templates', 'list', '--workspace', 'prod-eu', '--scope', 'workspace'])),
      );
      expect(scoped.map((r) => r[0])).toEqual([local.ID]);

      const change = file('change.json', JSON.stringify({ approval_policy: 'restricted' }));
      const updated = ok(await cli(['templates', 'update', 'triage', '--file', change]));
      expect(fields(updated)).toMatchObject({ ID: projectId, VERSION: '2', APPROVAL_POLICY: 'restricted' });
      expect(updated.stderr).toContain('Stored version 2');
      const again = ok(await cli(['templates', 'update', projectId, '--file', change]));
      expect(again.stderr).toContain('Nothing changed');

      const v1 = fields(ok(await cli(['templates', 'show', 'triage', '--template-version', '1'])));
      expect(v1).toMatchObject({ TEMPLATE: projectId, VERSION: '1', APPROVAL_POLICY: 'standard' });
      const json = ok(await cli(['-o', 'json', 'templates', 'show', 'triage', '--workspace', 'prod-eu']));
      expect(Template.parse(JSON.parse(json.stdout))).toMatchObject({ id: local.ID, scope: 'workspace' });
      const versions = rows(ok(await cli(['templates', 'versions', 'triage'])));
      expect(versions.map((r) => [r[0], r[2]])).toEqual([
        ['2', 'restricted'],
        ['1', 'standard'],
      ]);

      const promoted = fields(ok(await cli(['templates', 'promote', 'triage', '--scope', 'platform'])));
      expect(promoted).toMatchObject({ ID: projectId, SCOPE: 'platform', VERSION: '2' });

      const asked = await cli(['templates', 'delete', 'triage', '--workspace', 'prod-eu']);
      expect(asked.code).toBe(2);
      expect(asked.stderr).toContain('--force');
      const deleted = ok(await cli(['templates', 'delete', 'triage', '--workspace', 'prod-eu', '--force']));
      expect(deleted.stderr).toContain(`Deleted template triage (${local.ID})`);
      const gone = await cli(['templates', 'show', local.ID!]);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toContain('code not_found');
    });

    it('refuses bad input with the documented exit codes', async () => {
      const bad = file('bad.json', JSON.stringify({ name: 'bad', allowed_tools: ['Not A Tool'] }));
      const refused = await cli(['templates', 'create', '--file', bad]);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('allowed_tools.0');
      expect(refused.stderr).toContain('code invalid_body');
      expect((await cli(['templates', 'create', '--file', file('broken.json', '{')])).code).toBe(2);
      expect((await cli(['templates', 'promote', 'triage'])).code).toBe(2);
      const missing = await cli(['templates', 'show', 'no such template']);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toContain('no template named "no such template"');
    });
  },
);
