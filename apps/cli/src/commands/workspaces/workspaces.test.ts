import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliWithFakeApi, type FakeApiCli } from '../../../test/run-with-fake-api';

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

describe('workspaces', () => {
  it('lists workspaces, one tab-separated row each', async () => {
    const r = await cli.run(['workspaces', 'list']);
    expect(
      r.out
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t').slice(0, 6)),
    ).toEqual([
      ['ws_1', 'default', 'generic', 'yes', 'no', '1'],
      ['ws_2', 'prod', 'generic', 'no', 'no', '0'],
    ]);
  });

  it('create sends name, type and description', async () => {
    const r = await cli.run([
      'workspaces',
      'create',
      'staging',
      '--type',
      'linux',
      '--description',
      'pre-prod',
    ]);
    expect(r.code).toBe(0);
    expect(last().body).toEqual({ name: 'staging', type: 'linux', description: 'pre-prod' });
    expect(fields(r.out)).toMatchObject({ NAME: 'staging', TYPE: 'linux' });
    expect(r.err).toContain('Created workspace staging');
  });

  it('show takes an id directly and looks a name up', async () => {
    const byId = await cli.run(['workspaces', 'show', 'ws_2']);
    expect(fields(byId.out)).toMatchObject({ ID: 'ws_2', NAME: 'prod' });
    expect(cli.api.seen.at(-1)!.path).toBe('/proj_1/v1/management/workspaces/ws_2');
    expect(cli.api.seen.at(-2)!.path).not.toBe('/proj_1/v1/management/workspaces');
    const byName = await cli.run(['-o', 'json', 'workspaces', 'show', 'prod']);
    expect(JSON.parse(byName.out)).toMatchObject({ id: 'ws_2' });
    const missing = await cli.run(['workspaces', 'show', 'nowhere']);
    expect(missing.code).toBe(1);
  });

  it('pause needs a reason; pause and resume round-trip', async () => {
    expect((await cli.run(['workspaces', 'pause', 'prod'])).code).toBe(2);
    const p = await cli.run(['workspaces', 'pause', 'prod', '--reason', 'change freeze']);
    expect(last()).toMatchObject({
      path: '/proj_1/v1/management/workspaces/ws_2/pause',
      body: { reason: 'change freeze' },
    });
    expect(fields(p.out)).toMatchObject({ PAUSED: 'yes', PAUSE_REASON: 'change freeze' });
    expect(p.err).toContain('xeroctl workspaces resume prod');
    const r = await cli.run(['workspaces', 'resume', 'prod']);
    expect(fields(r.out)).toMatchObject({ PAUSED: 'no', PAUSE_REASON: '' });
  });

  it('bind and unbind an agent', async () => {
    const b = await cli.run(['workspaces', 'bind', 'prod', '--agent', 'agt_1']);
    expect(last()).toMatchObject({
      method: 'POST',
      path: '/proj_1/v1/management/workspaces/ws_2/agents',
      body: { agent_id: 'agt_1' },
    });
    expect(fields(b.out)).toMatchObject({ AGENTS: 'agt_1' });
    expect((await cli.run(['workspaces', 'bind', 'prod'])).code).toBe(2);
    const u = await cli.run(['workspaces', 'unbind', 'prod', '--agent', 'agt_1']);
    expect(last()).toMatchObject({
      method: 'DELETE',
      path: '/proj_1/v1/management/workspaces/ws_2/agents/agt_1',
    });
    expect(fields(u.out)).toMatchObject({ AGENTS: '' });
  });

  it('--limit fetches one page and, on a terminal, says how to get the next', async () => {
    const tty = await cli.run(['workspaces', 'list', '--limit', '1'], { tty: true });
    expect(tty.out).toContain('ws_1');
    expect(tty.out).not.toContain('ws_2');
    expect(tty.err).toContain('more: --after 1');
    expect(last().query.get('limit')).toBe('1');

    const piped = await cli.run(['workspaces', 'list', '--limit', '1']);
    expect(
      piped.out
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0]),
    ).toEqual(['ws_1']);
    expect(piped.err).toBe('');

    const next = await cli.run(['workspaces', 'list', '--limit', '1', '--after', '1'], { tty: true });
    expect(last().query.get('cursor')).toBe('1');
    expect(next.out).toContain('ws_2');
    expect(next.out).not.toContain('ws_1');
    // Earlier tests created more workspaces, so there is a third page.
    expect(next.err).toContain('more: --after 2');
    expect((await cli.run(['workspaces', 'list', '--limit', '0'])).code).toBe(2);
  });

  it('without --limit fetches every page', async () => {
    cli.api.paging.maxPage = 1;
    try {
      const before = cli.api.seen.length;
      const r = await cli.run(['workspaces', 'list'], { tty: true });
      const pages = cli.api.seen.slice(before).filter((s) => s.path === '/proj_1/v1/management/workspaces');
      expect(pages.length).toBeGreaterThanOrEqual(2);
      expect(pages.map((p) => p.query.get('cursor'))).toEqual([
        null,
        ...pages.slice(1).map((_, i) => String(i + 1)),
      ]);
      expect(r.out).toContain('ws_1');
      expect(r.out).toContain('ws_2');
      expect(r.err).not.toContain('more:');
      const json = await cli.run(['-o', 'json', 'workspaces', 'list']);
      const all = JSON.parse(json.out) as { data: { id: string }[]; next_cursor: string | null };
      expect(all.data.map((w) => w.id).slice(0, 2)).toEqual(['ws_1', 'ws_2']);
      expect(all.next_cursor).toBeNull();
    } finally {
      cli.api.paging.maxPage = 500;
    }
  });
});
