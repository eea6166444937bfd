import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MAX_FRAME_TEXT, Region, RegistrationName } from '@xem/protocol';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/** A setting is missing or malformed; main prints it and exits 2 so scripts can tell it apart. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const DEFAULT_CONFIG_FILE = '/etc/xem/agent.yaml';

/** `bundles/` of this repository, so `xem-agent` finds the core bundle when run from a checkout. */
export const REPO_BUNDLES_DIR = resolve(fileURLToPath(new URL('../../../bundles', import.meta.url)));

const LOG_LEVELS = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  critical: 'fatal',
  fatal: 'fatal',
  silent: 'silent',
} as const;

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/**
 * Every setting, by its YAML key; the env name is `XEM_` + upper case, the flag `--` + dashes.
 * Only strings arrive here (flags, env and YAML scalars are all coerced to text first).
 */
const Settings = z.object({
  router_url: z
    .url({ protocol: /^https?$/ })
    .refine((u) => !u.includes('?') && !u.includes('#'), 'must not have a query or fragment'),
  registration_name: RegistrationName,
  join_key: z.string().min(1).max(200).optional(),
  tools_dir: z.string().min(1).default(REPO_BUNDLES_DIR),
  credentials_dir: z.string().min(1).default('/etc/xem/credentials'),
  state_dir: z.string().min(1).optional(),
  signing_key_path: z.string().min(1).optional(),
  file_root: z.string().min(1).optional(),
  max_concurrent_executions: int(1, 1000).default(20),
  shutdown_grace_seconds: int(0, 86_400).default(30),
  lease_renewal_interval_ms: int(50, 600_000).default(10_000),
  region: Region.optional(),
  max_output_bytes: int(1024, MAX_FRAME_TEXT).default(1_048_576),
  /** How often the host is scanned for listening services; 0 turns discovery off. */
  discovery_interval_ms: z.coerce
    .number()
    .int()
    .refine((n) => n === 0 || (n >= 1000 && n <= 86_400_000), 'must be 0 (off) or 1000 – 86400000')
    .default(60_000),
  log_level: z
    .string()
    .transform((s) => s.toLowerCase())
    .pipe(z.enum(Object.keys(LOG_LEVELS) as [keyof typeof LOG_LEVELS, ...(keyof typeof LOG_LEVELS)[]]))
    .default('info'),
});
type SettingKey = keyof typeof Settings.shape;
const KEYS = Object.keys(Settings.shape) as SettingKey[];
const REQUIRED: SettingKey[] = ['router_url', 'registration_name'];

export interface AgentConfig {
  routerUrl: string;
  registrationName: string;
  /** Needed on first run (no saved credential) and to re-enroll when a refresh is refused. */
  joinKey: string | undefined;
  toolsDir: string;
  credentialsDir: string;
  stateDir: string;
  signingKeyPath: string;
  fileRoot: string;
  maxConcurrentExecutions: number;
  shutdownGraceSeconds: number;
  leaseRenewalIntervalMs: number;
  region: string | undefined;
  maxOutputBytes: number;
  /** Interval of the listening-services scan in ms; 0 = discovery off. */
  discoveryIntervalMs: number;
  logLevel: (typeof LOG_LEVELS)[keyof typeof LOG_LEVELS];
  /** Where the values came from, for the start-up log line (never the values of secrets). */
  configFile: string;
}

export interface ConfigSources {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  /** Injected for tests; answers undefined when the file does not exist. */
  readFile?: (path: string) => string | undefined;
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read config file ${path}: ${(err as Error).message}`);
  }
}

const flagName = (key: string) => `--${key.replace(/_/g, '-')}`;
const envName = (key: string) => `XEM_${key.toUpperCase()}`;

/** `--name value` and `--name=value`; unknown flags are refused so typos do not pass silently. */
function parseFlags(argv: readonly string[]): {
  values: Partial<Record<SettingKey, string>>;
  config?: string;
} {
  const values: Partial<Record<SettingKey, string>> = {};
  let config: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) throw new ConfigError(`unexpected argument ${arg}`);
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    let value = eq === -1 ? undefined : arg.slice(eq + 1);
    if (value === undefined) {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new ConfigError(`${name} needs a value`);
      i++;
    }
    if (name === '--config') {
      config = value;
      continue;
    }
    const key = KEYS.find((k) => flagName(k) === name);
    if (!key) throw new ConfigError(`unknown flag ${name} (settings: ${KEYS.map(flagName).join(', ')})`);
    values[key] = value;
  }
  return config === undefined ? { values } : { values, config };
}

/** The YAML file must be a flat map of scalars; keys are matched case-insensitively. */
function parseFile(path: string, text: string): Partial<Record<SettingKey, string>> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError(`config file ${path} is not valid YAML: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new ConfigError(`config file ${path} must be a flat map of settings`);
  const values: Partial<Record<SettingKey, string>> = {};
  for (const [rawKey, value] of Object.entries(doc)) {
    const key = rawKey.toLowerCase() as SettingKey;
    if (!KEYS.includes(key)) throw new ConfigError(`config file ${path}: unknown setting ${rawKey}`);
    if (value === null || typeof value === 'object')
      throw new ConfigError(`config file ${path}: ${rawKey} must be a single value, not a map or list`);
    values[key] = String(value);
  }
  return values;
}

/** Reads flags > XEM_* env > flat YAML file > defaults, once, at boot. */
export function loadConfig(sources: ConfigSources): AgentConfig {
  const flags = parseFlags(sources.argv);
  const configFile = flags.config ?? sources.env.XEM_CONFIG ?? DEFAULT_CONFIG_FILE;
  const text = (sources.readFile ?? readIfExists)(configFile);
  if (text === undefined && (flags.config !== undefined || sources.env.XEM_CONFIG !== undefined))
    throw new ConfigError(`config file ${configFile} does not exist`);
  const fromFile = text === undefined ? {} : parseFile(configFile, text);

  const merged: Partial<Record<SettingKey, string>> = {};
  for (const key of KEYS) {
    const env = sources.env[envName(key)];
    const value = flags.values[key] ?? (env !== undefined && env !== '' ? env : undefined) ?? fromFile[key];
    if (value !== undefined) merged[key] = value;
  }
  const missing = REQUIRED.filter((k) => merged[k] === undefined);
  if (missing.length > 0)
    throw new ConfigError(
      `missing required setting${missing.length > 1 ? 's' : ''}: ` +
        missing.map((k) => `${envName(k)} (${flagName(k)}, or ${k} in ${configFile})`).join(', '),
    );

  const parsed = Settings.safeParse(merged);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const key = String(i.path[0]);
      return `${envName(key)}=${JSON.stringify(merged[key as SettingKey])}: ${i.message}`;
    });
    throw new ConfigError(`invalid settings: ${problems.join('; ')}`);
  }
  const s = parsed.data;
  const stateDir = resolve(s.state_dir ?? defaultStateDir(sources.env));
  return {
    routerUrl: s.router_url.replace(/\/+$/, ''),
    registrationName: s.registration_name,
    joinKey: s.join_key,
    toolsDir: resolve(s.tools_dir),
    credentialsDir: resolve(s.credentials_dir),
    stateDir,
    signingKeyPath: resolve(s.signing_key_path ?? join(stateDir, 'agent-signing-key.hex')),
    fileRoot: resolve(s.file_root ?? join(stateDir, 'files')),
    maxConcurrentExecutions: s.max_concurrent_executions,
    shutdownGraceSeconds: s.shutdown_grace_seconds,
    leaseRenewalIntervalMs: s.lease_renewal_interval_ms,
    region: s.region,
    maxOutputBytes: s.max_output_bytes,
    discoveryIntervalMs: s.discovery_interval_ms,
    logLevel: LOG_LEVELS[s.log_level],
    configFile: text === undefined ? `${configFile} (absent)` : configFile,
  };
}

/** Root keeps the packaged location; anyone else gets a per-user directory that needs no sudo. */
function defaultStateDir(env: NodeJS.ProcessEnv): string {
  if (process.getuid?.() === 0) return '/var/lib/xem/state';
  const base = env.XDG_STATE_HOME || join(homedir(), '.local', 'state');
  return join(base, 'xem-agent');
}
