import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWithFakeApi, type FakeApiCli } from '../../../test/run-with-fake-api';
import { registrationName } from './join-keys/create';

let cli: FakeApiCli;
beforeAll(async () => (cli = await cliWithFakeApi()));
afterAll(() => cli.close());

const fields = (out: string) =>
  Object.fromEntries(
    out
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t')),
  );
const last = () => cli.api.seen.at(-1)!;

describe('agents', () => {
  it('lists agents as tab-separated rows when piped, with a header on a terminal', async () => {
    const piped = await cli.run(['agents', 'list']);
    expect(piped.out.split('\t').slice(0, 3)).toEqual(['agt_1', 'web-1', 'online']);
    const tty = await cli.run(['agents', 'list'], { tty: true });
    expect(tty.out.split('\n')[0]).toMatch(
      /^ID\s+NAME\s+STATUS\s+REGION\s+VERSION\s+TOOLS\s+IN_FLIGHT\s+WORKSPACES\s+LAST_HEARTBEAT$/,
    );
    expect(tty.out).toContain('2026-01-01T00:00:05Z');
  });

  it('show adds the names of the tools the agent offers', async () => {
    const r = await cli.run(['agents', 'show', 'agt_1']);
    expect(fields(r.out)).toMatchObject({
      ID: 'agt_1',
      NAME: 'web-1',
      TOOL_NAMES: 'system_info,fail,lost,slow,file_delete,directory_purge',
    });
    const missing = await cli.run(['agents', 'show', 'agt_9']);
    expect(missing).toMatchObject({
      code: 1,
      err: 'error: no such agent (code not_found, request req_fake)\n',
    });
  });

  it('pause-exec needs a reason and resolves a workspace name to its id', async () => {
    expect((await cli.run(['agents', 'pause-exec', 'agt_1'])).code).toBe(2);
    const r = await cli.run([
      'agents',
      'pause-exec',
      'agt_1',
      '--reason',
      'disk full',
      '--workspace',
      'prod',
    ]);
    expect(r.code).toBe(0);
    expect(last()).toMatchObject({
      path: '/proj_1/v1/management/agents/agt_1/pause-exec',
      body: { reason: 'disk full', workspace_id: 'ws_2' },
    });
    expect(r.err).toContain('Paused dispatch to web-1 in prod');
    const unknown = await cli.run([
      'agents',
      'pause-exec',
      'agt_1',
      '--reason',
      'x',
      '--workspace',
      'nowhere',
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('no workspace with the id or name "nowhere"');
  });

  it('resume-exec and drain', async () => {
    expect((await cli.run(['agents', 'resume-exec', 'agt_1'])).code).toBe(0);
    expect(last()).toMatchObject({ path: '/proj_1/v1/management/agents/agt_1/resume-exec', body: {} });
    const d = await cli.run(['-o', 'json', 'agents', 'drain', 'agt_1']);
    expect(JSON.parse(d.out)).toMatchObject({ id: 'agt_1', status: 'draining' });
  });

  it('revoke-credentials asks on a terminal, refuses without one, and goes ahead with --yes', async () => {
    const before = cli.api.seen.length;
    const piped = await cli.run(['agents', 'revoke-credentials', 'agt_1']);
    expect(piped.code).toBe(2);
    expect(piped.err).toContain('pass --yes to confirm');
    expect(cli.api.seen.slice(before).some((r) => r.path.endsWith('/revoke-credentials'))).toBe(false);

    const declined = await cli.run(['agents', 'revoke-credentials', 'agt_1'], { tty: true, answers: ['n'] });
    expect(declined).toMatchObject({ code: 1, err: 'error: not revoked\n' });
    expect(cli.api.seen.slice(before).some((r) => r.path.endsWith('/revoke-credentials'))).toBe(false);

    const yes = await cli.run(['agents', 'revoke-credentials', 'agt_1', '--yes']);
    expect(yes.code).toBe(0);
    expect(fields(yes.out)).toMatchObject({ STATUS: 'revoked' });
  });
});

describe('agents join-keys', () => {
  it('create prints the key alone on stdout and how to start an agent on stderr', async () => {
    const r = await cli.run([
      'agents',
      'join-keys',
      'create',
      '--name',
      'Rack 4',
      '--region',
      'eu',
      '--ttl-hours',
      '2',
      '--max-uses',
      '3',
      '--workspace',
      'prod',
    ]);
    expect(r.code).toBe(0);
    const key = `xjk_${'a'.repeat(43)}`;
    expect(r.out).toBe(`${key}\n`);
    expect(last().body).toEqual({
      name: 'Rack 4',
      region: 'eu',
      ttl_hours: 2,
      max_uses: 3,
      workspace_id: 'ws_2',
    });
    expect(r.err).toContain('it will not be shown again');
    expect(r.err).toContain(
      `XEM_ROUTER_URL=${cli.api.baseUrl} XEM_JOIN_KEY=${key} XEM_REGISTRATION_NAME=rack-4 npx xem-agent`,
    );
    expect(r.err).toContain('Give each agent its own XEM_REGISTRATION_NAME');
  });

  it('create sends only the flags given, and -o json prints the whole answer', async () => {
    const r = await cli.run(['-o', 'json', 'agents', 'join-keys', 'create']);
    expect(last().body).toEqual({});
    expect(JSON.parse(r.out)).toMatchObject({
      key: expect.stringMatching(/^xjk_/),
      join_key: { name: 'join key' },
    });
    expect((await cli.run(['agents', 'join-keys', 'create', '--ttl-hours', '0'])).code).toBe(2);
  });

  it('lists and revokes', async () => {
    const listed = await cli.run(['agents', 'join-keys', 'list']);
    expect(listed.out.split('\n')[0]!.split('\t')).toEqual([
      'jk_1',
      'rack 4',
      'eu',
      'xjk_abcd',
      '',
      '0/1',
      'yes',
      '2026-01-02T00:00:00.000Z',
    ]);
    const revoked = await cli.run(['agents', 'join-keys', 'revoke', 'jk_1']);
    expect(revoked).toMatchObject({ code: 0, out: '' });
    expect(revoked.err).toContain('Revoked join key jk_1');
  });

  it.each([
    ['Rack 4', 'rack-4'],
    ['  --Edge__Nodes--  ', 'edge-nodes'],
    ['join key', 'join-key'],
    [undefined, 'agent-1'],
    ['!!!', 'agent-1'],
  ])('registration name from %j is %j', (name, expected) => {
    expect(registrationName(name)).toBe(expected);
  });
});
