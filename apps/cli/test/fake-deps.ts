import type { XemClient } from '@xem/client';
import { ConfigFile } from '../src/config-file';
import type { Deps, GlobalOptions } from '../src/deps';
import { Printer } from '../src/output';
import { resolveSettings } from '../src/settings';
import type { BufferIo } from './buffer-io';

/**
 * Deps for unit-testing one verb: real output and config file, and a client stand-in that
 * implements only the methods the verb calls (anything else fails loudly).
 */
export function fakeDeps(
  io: BufferIo,
  opts: {
    configPath: string;
    client?: Partial<XemClient>;
    globals?: Partial<GlobalOptions>;
    env?: Record<string, string>;
  },
): Deps {
  const globals: GlobalOptions = { output: 'table', ...opts.globals };
  const config = new ConfigFile(opts.configPath);
  const env = opts.env ?? {};
  const client = new Proxy(opts.client ?? {}, {
    get: (target, prop) => {
      if (prop in target) return target[prop as keyof typeof target];
      if (prop === 'then') return undefined;
      throw new Error(`unexpected client call: ${String(prop)}`);
    },
  }) as XemClient;
  return {
    io,
    out: new Printer(io, globals.output),
    config,
    env,
    globals,
    settings: () => resolveSettings(globals, env, config.load()),
    connect: () => client,
    client: () => client,
    projectClient: async () => client,
  };
}
