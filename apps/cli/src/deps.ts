import type { Command } from 'commander';
import { XemClient } from '@xem/client';
import { AuthError, CliError } from './cli-error';
import { ConfigFile, configPath, type Env } from './config-file';
import type { Io } from './io';
import { Printer, type OutputFormat } from './output';
import { resolveSettings, type Settings } from './settings';
import { userAgent } from './version';

/** The global flags, as commander parsed them. */
export interface GlobalOptions {
  baseUrl?: string;
  apiKey?: string;
  context?: string;
  output: OutputFormat;
}

/** What the process gives the CLI once, in main.ts; tests pass their own. */
export interface System {
  io: Io;
  env: Env;
  version: string;
}

/** What a command's `run` gets: output, the config file, and clients built from the settings. */
export interface Deps {
  io: Io;
  out: Printer;
  config: ConfigFile;
  env: Env;
  globals: GlobalOptions;
  settings(): Settings;
  /** An unauthenticated client for `baseUrl` (login). */
  connect(baseUrl: string, apiKey?: string): XemClient;
  /** A client with the configured key; exit 4 when there is none. */
  client(): XemClient;
  /** `client()` bound to the key's project, asking the server when the context does not know it. */
  projectClient(): Promise<XemClient>;
}

export function createDeps(globals: GlobalOptions, system: System): Deps {
  const config = new ConfigFile(configPath(system.env));
  let cached: Settings | undefined;
  const settings = () => (cached ??= resolveSettings(globals, system.env, config.load()));
  const connect = (baseUrl: string, apiKey?: string) =>
    new XemClient({ baseUrl, apiKey, userAgent: userAgent(system.version) });

  const client = () => {
    const s = settings();
    if (s.contextFromFlag && !s.context) {
      throw new CliError(`no context named "${s.contextName}" in ${config.path}; see "xeroctl config list"`);
    }
    if (!s.apiKey) {
      throw new AuthError(
        'no API key configured: run "xeroctl auth login", pass --api-key or set XEROCTL_API_KEY',
      );
    }
    return connect(s.baseUrl, s.apiKey);
  };

  return {
    io: system.io,
    out: new Printer(system.io, globals.output),
    config,
    env: system.env,
    globals,
    settings,
    connect,
    client,
    projectClient: async () => {
      const c = client();
      const known = settings().projectId;
      return c.withProject(known ?? (await c.whoami()).project_id);
    },
  };
}

/** Builds a command's deps from the parsed global flags of the command being run. */
export type MakeDeps = (cmd: Command) => Deps;
