import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ResultFrame } from '@xem/protocol';
import { loadAgentTools } from './agent-tools';
import { REPO_BUNDLES_DIR } from './config';
import { Runner } from './runner';
import { dispatch, resultSink, silentLog, tempDirs } from './test-helpers';

const dirs = tempDirs();
let root: string;
let outside: string;
let run: (tool: string, args?: Record<string, unknown>) => Promise<ResultFrame>;

beforeEach(() => {
  const base = dirs.make('xem-core-');
  root = join(base, 'root');
  outside = join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), 'top secret');
  const tools = loadAgentTools(REPO_BUNDLES_DIR, dirs.make('xem-state-'), silentLog).specs;
  const sink = resultSink();
  const runner = new Runner({
    tools: () => tools,
    maxConcurrent: 10,
    maxOutputBytes: 1_048_576,
    credentialsDir: base,
    fileRoot: root,
    baseEnv: { PATH: process.env.PATH },
    onResult: sink.onResult,
    log: silentLog,
  });
  run = (tool, args = {}) => {
    const d = dispatch(tool, args, { timeout_ms: 20_000 });
    runner.start(d);
    return sink.wait(d.execution_id);
  };
});
afterEach(() => dirs.cleanup());

const json = (r: ResultFrame) => {
  expect(r.outcome, r.stderr).toBe('completed');
  return JSON.parse(r.stdout);
};
const refused = (r: ResultFrame, pattern: RegExp) => {
  expect(r.outcome).toBe('failed');
  expect(r.stderr).toMatch(pattern);
};

describe('core bundle: read tools', () => {
  it('system_info describes this host', async () => {
    const out = json(await run('system_info'));
    expect(out.hostname).toBe(hostname());
    expect(out.os.platform).toBe('linux');
    expect(out.cpus.count).toBeGreaterThan(0);
    expect(out.memory.total_bytes).toBeGreaterThan(0);
    expect(out.load).toHaveProperty('1m');
    expect(out.uptime_seconds).toBeGreaterThan(0);
  });

  it('disk_usage reports the file system of a path and fails for a missing one', async () => {
    const out = json(await run('disk_usage', { path: '/' }));
    expect(out.total_bytes).toBeGreaterThan(0);
    expect(out.used_bytes + out.free_bytes).toBe(out.total_bytes);
    expect(out.used_percent).toBeGreaterThanOrEqual(0);
    refused(await run('disk_usage', { path: '/no/such/dir' }), /cannot stat/);
    refused(await run('disk_usage', { bogus: 1 }), /unknown argument bogus/);
  });

  it('process_list finds this test process and honours the limit', async () => {
    const all = json(await run('process_list', { limit: 10_000 }));
    expect(all.processes.some((p: { pid: number }) => p.pid === process.pid)).toBe(true);
    const two = json(await run('process_list', { limit: 2 }));
    expect(two.processes).toHaveLength(2);
    expect(two.processes[0].rss_bytes).toBeGreaterThanOrEqual(two.processes[1].rss_bytes);
  });

  describe('http_probe', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      server = createServer((req, res) => {
        if (req.url === '/moved') res.writeHead(302, { location: '/' }).end();
        else res.writeHead(200, { 'x-probe': 'yes', 'content-type': 'text/plain' }).end('hello');
      });
      await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
      const a = server.address();
      url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    });
    afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

    it('reports status, latency and headers of a local server', async () => {
      const out = json(await run('http_probe', { url: `${url}/` }));
      expect(out).toMatchObject({ status: 200, ok: true, method: 'GET', body_bytes: 5 });
      expect(out.headers['x-probe']).toBe('yes');
      expect(out.latency_ms).toBeGreaterThanOrEqual(0);
      const head = json(await run('http_probe', { url: `${url}/moved`, method: 'HEAD' }));
      expect(head).toMatchObject({ status: 302, method: 'HEAD' });
      expect(head.headers.location).toBe('/');
    });

    it('refuses other schemes and reports an unreachable server as failed', async () => {
      refused(await run('http_probe', { url: 'file:///etc/passwd' }), /only http and https/);
      const closed = createServer();
      await new Promise<void>((ok) => closed.listen(0, '127.0.0.1', ok));
      const a = closed.address();
      await new Promise<void>((ok) => closed.close(() => ok()));
      refused(
        await run('http_probe', {
          url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 1}/`,
          timeout_ms: 2000,
        }),
        /failed: .*ECONNREFUSED/,
      );
    });
  });

  it('dns_lookup resolves localhost and refuses an unknown type', async () => {
    const out = json(await run('dns_lookup', { name: 'localhost' }));
    expect(out).toMatchObject({ name: 'localhost', type: 'A', source: 'system' });
    expect(out.records).toContain('127.0.0.1');
    refused(await run('dns_lookup', { name: 'localhost', type: 'BOGUS' }), /type must be one of/);
  });
});

describe('core bundle: file tools under XEM_FILE_ROOT', () => {
  it('writes, reads, deletes and purges inside the root', async () => {
    const w = json(await run('file_write', { path: 'a/b/c.txt', content: 'héllo\n', mode: '0600' }));
    expect(w).toMatchObject({ path: 'a/b/c.txt', bytes: 7, created: true });
    expect(readFileSync(join(root, 'a/b/c.txt'), 'utf8')).toBe('héllo\n');
    expect(statSync(join(root, 'a/b/c.txt')).mode & 0o777).toBe(0o600);
    // Idempotent: the same write again leaves the same file.
    expect(
      json(await run('file_write', { path: 'a/b/c.txt', content: 'héllo\n', mode: '0600' })).created,
    ).toBe(false);

    const r = json(await run('file_read', { path: `${root}/a/b/c.txt` }));
    expect(r).toMatchObject({
      path: 'a/b/c.txt',
      content: 'héllo\n',
      encoding: 'utf8',
      truncated: false,
      size_bytes: 7,
    });
    expect(json(await run('file_read', { path: 'a/b/c.txt', max_bytes: 2 }))).toMatchObject({
      content: 'h',
      truncated: true,
    });
    writeFileSync(join(root, 'bin.dat'), Buffer.from([0, 1, 2, 255]));
    expect(json(await run('file_read', { path: 'bin.dat' }))).toMatchObject({
      encoding: 'base64',
      content: 'AAEC/w==',
    });

    expect(json(await run('file_delete', { path: 'a/b/c.txt' }))).toMatchObject({ deleted: true });
    expect(existsSync(join(root, 'a/b/c.txt'))).toBe(false);
    expect(json(await run('file_delete', { path: 'a/b/c.txt' }))).toMatchObject({ deleted: false });

    writeFileSync(join(root, 'a/x'), '1');
    mkdirSync(join(root, 'a/deep/er'), { recursive: true });
    symlinkSync(outside, join(root, 'a/link-out'));
    expect(json(await run('directory_purge', { path: 'a' }))).toMatchObject({
      path: 'a',
      removed_entries: 4,
    });
    expect(existsSync(join(root, 'a'))).toBe(true);
    expect(existsSync(join(outside, 'secret.txt'))).toBe(true);
  });

  it('refuses escapes: "..", absolute paths outside, symlinks out of the root', async () => {
    symlinkSync(outside, join(root, 'out-dir'));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'out-file'));
    for (const path of [
      '../outside/secret.txt',
      'x/../../outside/secret.txt',
      join(outside, 'secret.txt'),
      '/etc/passwd',
    ]) {
      refused(await run('file_read', { path }), /refused/);
    }
    refused(
      await run('file_read', { path: 'out-dir/secret.txt' }),
      /outside the file root through a symlink/,
    );
    refused(await run('file_read', { path: 'out-file' }), /symlink out of the file root/);
    refused(await run('file_write', { path: 'out-dir/new.txt', content: 'x' }), /refused/);
    refused(await run('file_write', { path: '../evil.txt', content: 'x' }), /refused/);
    refused(await run('directory_purge', { path: 'out-dir' }), /refused/);
    refused(await run('directory_purge', { path: 'out-dir/' }), /refused/);
    expect(existsSync(join(outside, 'new.txt'))).toBe(false);
    expect(existsSync(join(root, '..', 'evil.txt'))).toBe(false);
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('top secret');

    // Deleting a link removes the link, never what it points to.
    expect(json(await run('file_delete', { path: 'out-file' }))).toMatchObject({ deleted: true });
    expect(existsSync(join(outside, 'secret.txt'))).toBe(true);
  });

  it('refuses to purge or delete the root itself and checks argument shapes', async () => {
    writeFileSync(join(root, 'keep.txt'), 'k');
    for (const path of ['.', root, `${root}/`])
      refused(await run('directory_purge', { path }), /file root itself/);
    refused(await run('file_delete', { path: '.' }), /file root/);
    expect(existsSync(join(root, 'keep.txt'))).toBe(true);
    refused(await run('file_write', { path: 'f', content: 1 }), /content must be a string/);
    refused(await run('file_write', { path: 'f', content: 'x', mode: 'rwx' }), /octal/);
    refused(await run('file_read', {}), /path must be a non-empty string/);
    refused(await run('file_read', { path: 'missing.txt' }), /does not exist/);
    refused(await run('directory_purge', { path: 'keep.txt' }), /not a directory/);
  });
});
