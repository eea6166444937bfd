import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigFile, configPath } from './config-file';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'xeroctl-config-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('configPath', () => {
  it('uses XDG_CONFIG_HOME when set, else ~/.config', () => {
    expect(configPath({ HOME: '/home/ann', XDG_CONFIG_HOME: '/xdg' })).toBe('/xdg/xeroctl/config.toml');
    expect(configPath({ HOME: '/home/ann' })).toBe('/home/ann/.config/xeroctl/config.toml');
  });

  it('ignores a relative XDG_CONFIG_HOME, as the XDG spec says', () => {
    expect(configPath({ HOME: '/home/ann', XDG_CONFIG_HOME: 'rel' })).toBe(
      '/home/ann/.config/xeroctl/config.toml',
    );
  });
});

describe('ConfigFile', () => {
  it('reads a missing file as no contexts', () => {
    expect(new ConfigFile(join(tempDir(), 'none.toml')).load()).toEqual({ contexts: {} });
  });

  it('round-trips contexts and writes the file with mode 0600', () => {
    const file = new ConfigFile(join(tempDir(), 'xeroctl', 'config.toml'));
    file.save({
      current_context: 'prod',
      contexts: { prod: { base_url: 'https://x', api_key: 'xero_a_b' } },
    });
    expect(statSync(file.path).mode & 0o777).toBe(0o600);
    expect(statSync(dirname(file.path)).mode & 0o777).toBe(0o700);
    expect(file.load()).toEqual({
      current_context: 'prod',
      contexts: { prod: { base_url: 'https://x', api_key: 'xero_a_b' } },
    });
  });

  it('tightens a file that was readable by others when it rewrites it', () => {
    const path = join(tempDir(), 'config.toml');
    writeFileSync(path, 'current_context = "a"\n');
    chmodSync(path, 0o644);
    const file = new ConfigFile(path);
    file.save(file.load());
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('keeps keys it does not know', () => {
    const path = join(tempDir(), 'config.toml');
    writeFileSync(path, 'editor = "vim"\n[contexts.a]\nbase_url = "https://a"\nlabel = "mine"\n');
    const file = new ConfigFile(path);
    file.save(file.load());
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('editor = "vim"');
    expect(text).toContain('label = "mine"');
  });

  it('names the file and the problem when it cannot be read', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'x'));
    const broken = join(dir, 'x', 'config.toml');
    writeFileSync(broken, 'current_context = \n');
    expect(() => new ConfigFile(broken).load()).toThrow(new RegExp(`${broken} is not valid TOML`));
    writeFileSync(broken, 'contexts = 3\n');
    expect(() => new ConfigFile(broken).load()).toThrow(/contexts: /);
  });
});
