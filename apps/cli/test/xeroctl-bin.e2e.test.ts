import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../test-support/start-server';
import { CLI_TEST_TIMEOUT_MS, runXeroctl, XEROCTL_BIN } from './run-xeroctl';

const home = mkdtempSync(join(tmpdir(), 'xeroctl-home-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

const version = (
  JSON.parse(readFileSync(join(REPO_ROOT, 'apps/cli/package.json'), 'utf8')) as { version: string }
).version;

/**
 * The other e2e tests run the CLI's test build (main.ts in one file, plain node); this one runs
 * the bin file users get, which loads the TypeScript sources through tsx, and checks that both
 * behave alike.
 */
describe('the xeroctl bin file', { timeout: CLI_TEST_TIMEOUT_MS }, () => {
  it('prints the package version, like the test build', async () => {
    const [bin, built] = await Promise.all([
      runXeroctl(home, ['--version'], { bin: XEROCTL_BIN }),
      runXeroctl(home, ['--version']),
    ]);
    expect(bin).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    expect(built).toEqual(bin);
  });

  it('exits 2 on an unknown command and 4 without an API key, like the test build', async () => {
    for (const args of [['frobnicate'], ['auth', 'whoami']]) {
      const [bin, built] = await Promise.all([
        runXeroctl(home, args, { bin: XEROCTL_BIN }),
        runXeroctl(home, args),
      ]);
      expect(bin.code).toBe(args[0] === 'frobnicate' ? 2 : 4);
      expect(bin.stderr).toMatch(args[0] === 'frobnicate' ? /unknown command 'frobnicate'/ : /no API key/);
      expect(built).toEqual(bin);
    }
  });
});
