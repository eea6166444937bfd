import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../src/run-cli';
import { bufferIo, type BufferIo } from './buffer-io';
import { startFakeXemApi, type FakeXemApi } from './fake-xem-api';

export interface RunResult {
  code: number;
  out: string;
  err: string;
}

export interface FakeApiCli {
  api: FakeXemApi;
  /**
   * Runs one command line with the API's URL and a key; `tty` switches to terminal output. Pass
   * `io` to act on the terminal while the command runs (`io.interrupt()` is Ctrl-C).
   */
  run(
    args: string[],
    opts?: { tty?: boolean; stdin?: string; answers?: string[]; io?: BufferIo },
  ): Promise<RunResult>;
  close(): Promise<void>;
}

/** runCli against a fresh fake API, in a HOME of its own so no real config is read. */
export async function cliWithFakeApi(): Promise<FakeApiCli> {
  const api = await startFakeXemApi();
  const home = mkdtempSync(join(tmpdir(), 'xeroctl-fake-'));
  return {
    api,
    run: async (args, opts = {}) => {
      const io = opts.io ?? bufferIo(opts);
      const env = { HOME: home, XEROCTL_BASE_URL: api.baseUrl, XEROCTL_API_KEY: 'xero_default_k' };
      const code = await runCli(args, { io, env, version: '1.2.3' });
      return { code, out: io.out(), err: io.err() };
    },
    close: async () => {
      rmSync(home, { recursive: true, force: true });
      await api.close();
    },
  };
}
