import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'smol-toml';
import { z } from 'zod';
import { CliError } from './cli-error';

/** One deployment the CLI can talk to. Unknown keys are kept, so newer versions can add some. */
export const Context = z.looseObject({
  base_url: z.string().optional(),
  api_key: z.string().optional(),
  project_id: z.string().optional(),
  project_slug: z.string().optional(),
});
export type Context = z.infer<typeof Context>;

export const ConfigData = z.looseObject({
  current_context: z.string().optional(),
  contexts: z.record(z.string(), Context).default({}),
});
export type ConfigData = z.infer<typeof ConfigData>;

export type Env = Readonly<Record<string, string | undefined>>;

/** `$XDG_CONFIG_HOME/xeroctl/config.toml`, else `~/.config/xeroctl/config.toml`. */
export function configPath(env: Env): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && xdg.startsWith('/') ? xdg : join(env.HOME || homedir(), '.config');
  return join(base, 'xeroctl', 'config.toml');
}

/** The contexts file. It holds API keys, so it is only ever written with mode 0600. */
export class ConfigFile {
  constructor(readonly path: string) {}

  load(): ConfigData {
    if (!existsSync(this.path)) return { contexts: {} };
    let raw: unknown;
    try {
      raw = parse(readFileSync(this.path, 'utf8'));
    } catch (err) {
      throw new CliError(`${this.path} is not valid TOML: ${(err as Error).message.split('\n')[0]}`);
    }
    const parsed = ConfigData.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new CliError(`${this.path}: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    }
    return parsed.data;
  }

  /** Writes a sibling file and renames it over the old one, so a crash never leaves half a file. */
  save(data: ConfigData): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${stringify(data)}\n`, { mode: 0o600 });
    chmodSync(tmp, 0o600);
    renameSync(tmp, this.path);
  }
}
