import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAgentTools } from './agent-tools';
import { loadBundles } from './bundles';
import { REPO_BUNDLES_DIR } from './config';
import { manifestHash } from './manifest-state';
import { silentLog, tempDirs } from './test-helpers';

const dirs = tempDirs();
afterEach(() => dirs.cleanup());

const tool = (name: string, over: Record<string, unknown> = {}) => ({
  name,
  description: `${name} tool`,
  risk: 'read',
  timeout_ms: 1000,
  idempotent: true,
  command: ['node', './run.mjs'],
  ...over,
});

function bundle(
  root: string,
  name: string,
  manifest: unknown,
  files: Record<string, string> = { 'run.mjs': '' },
) {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'manifest.json'),
    typeof manifest === 'string' ? manifest : JSON.stringify(manifest),
  );
  for (const [f, text] of Object.entries(files)) writeFileSync(join(dir, f), text);
}

describe('loadBundles', () => {
  it('loads good bundles, skips bad ones whole, and resolves commands against the bundle', () => {
    const root = dirs.make();
    bundle(root, 'good', { tools: [tool('alpha'), tool('beta', { command: ['/bin/true', '--x'] })] });
    bundle(root, 'not-json', '{');
    bundle(root, 'bad-schema', { tools: [tool('gamma'), tool('Delta')] });
    bundle(root, 'missing-file', { tools: [tool('eps', { command: ['node', './nope.mjs'] })] });
    bundle(root, 'no-command', { tools: [{ ...tool('zeta'), command: [] }] });
    mkdirSync(join(root, 'empty'));
    writeFileSync(join(root, 'README'), 'not a bundle');

    const specs = loadBundles(root, new Set(), silentLog);
    expect(specs.map((s) => s.manifest.name)).toEqual(['alpha', 'beta']);
    const alpha = specs[0]!;
    expect(alpha.command).toEqual([process.execPath, join(root, 'good', 'run.mjs')]);
    expect(alpha.manifest).toMatchObject({ bundle: 'good', domain: 'general', mcp_visible: true });
    expect(alpha.manifest).not.toHaveProperty('command');
    expect(specs[1]!.command).toEqual(['/bin/true', '--x']);
  });

  it('skips a tool whose name is already taken by a built-in or an earlier bundle', () => {
    const root = dirs.make();
    bundle(root, 'a', { tools: [tool('echo'), tool('shared')] });
    bundle(root, 'b', { tools: [tool('shared'), tool('own')] });
    const specs = loadBundles(root, new Set(['echo']), silentLog);
    expect(specs.map((s) => `${s.manifest.bundle}/${s.manifest.name}`)).toEqual(['a/shared', 'b/own']);
  });

  it('answers no bundles for a missing tools directory', () => {
    expect(loadBundles(join(dirs.make(), 'absent'), new Set(), silentLog)).toEqual([]);
  });

  it('loads the repository core bundle with every tool it documents', () => {
    const names = loadBundles(REPO_BUNDLES_DIR, new Set(), silentLog)
      .filter((s) => s.manifest.bundle === 'core')
      .map((s) => s.manifest.name)
      .sort();
    expect(names).toEqual([
      'directory_purge',
      'disk_usage',
      'dns_lookup',
      'file_delete',
      'file_read',
      'file_write',
      'http_probe',
      'process_list',
      'system_info',
    ]);
  });
});

describe('manifest hash and version', () => {
  it('keeps the version while the tools stay the same and bumps it when they change', () => {
    const [root, state] = [dirs.make(), dirs.make()];
    bundle(root, 'b', { tools: [tool('alpha')] });
    const first = loadAgentTools(root, state, silentLog).manifest;
    expect(first.version).toBe(1);
    expect(first.hash).toBe(manifestHash(first.manifest));
    expect(first.manifest.tools.map((t) => t.name)).toEqual(['alpha', 'echo', 'noop', 'sleep']);
    expect(loadAgentTools(root, state, silentLog).manifest).toEqual(first);

    bundle(root, 'b', { tools: [tool('alpha', { timeout_ms: 2000 })] });
    const changed = loadAgentTools(root, state, silentLog).manifest;
    expect(changed.version).toBe(2);
    expect(changed.hash).not.toBe(first.hash);
  });

  it('hashes independently of key order', () => {
    const a = {
      tools: [{ ...tool('x'), bundle: 'b', domain: 'd', mcp_visible: true, params: { a: 1, b: 2 } }],
    };
    const reordered = JSON.parse(JSON.stringify(a).replace('"a":1,"b":2', '"b":2,"a":1'));
    expect(manifestHash(reordered)).toBe(manifestHash(a as never));
  });
});
