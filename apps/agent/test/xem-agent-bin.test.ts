import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AGENT_JS } from '../../../test-support/test-bins';

/** The bin file `npm install` links: apps/agent/src/main.ts through tsx's loader. */
const BIN = resolve(fileURLToPath(new URL('../bin/xem-agent.mjs', import.meta.url)));
const version = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an entry file with only PATH and HOME (no XEM_* settings of the test's environment). */
function run(file: string, args: string[]): Promise<Ran> {
  return new Promise((ok) => {
    execFile(
      process.execPath,
      [file, ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, timeout: 30_000 },
      (err, stdout, stderr) =>
        ok({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0, stdout, stderr }),
    );
  });
}

/**
 * The other tests (and the test servers' local agents) run the agent's test build (main.ts in one
 * file, plain node); this one runs the bin file users get and checks that both behave alike.
 */
describe('the xem-agent bin file', { timeout: 60_000 }, () => {
  it('prints its version, like the test build', async () => {
    const [bin, built] = await Promise.all([run(BIN, ['--version']), run(AGENT_JS, ['--version'])]);
    expect(bin).toEqual({ code: 0, stdout: `xem-agent ${version}\n`, stderr: '' });
    expect(built).toEqual(bin);
  });

  it('exits 2 naming the missing settings, like the test build', async () => {
    const [bin, built] = await Promise.all([run(BIN, []), run(AGENT_JS, [])]);
    expect(bin.code).toBe(2);
    expect(bin.stderr).toMatch(/missing required settings: XEM_ROUTER_URL .*XEM_REGISTRATION_NAME/);
    expect(built).toEqual(bin);
  });
});
