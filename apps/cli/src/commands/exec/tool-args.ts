import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { UsageError } from '../../cli-error';

export type ArgPairs = Array<[string, unknown]>;

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * `--arg` values: JSON-ish scalars (numbers, true/false, null, a quoted "string") become those
 * values; anything else is taken as a plain string, so `--arg host=web-1` needs no quoting.
 * Integers too large to survive a JS number stay strings rather than silently losing digits.
 */
export function parseScalar(raw: string): unknown {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  if (raw === 'null') return null;
  if (JSON_NUMBER.test(raw)) {
    const n = Number(raw);
    const integral = /^-?\d+$/.test(raw);
    if (Number.isFinite(n) && (!integral || Number.isSafeInteger(n))) return n;
    return raw;
  }
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) {
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      return raw;
    }
  }
  return raw;
}

/** Commander collector for the repeatable `--arg key=value`. */
export function collectArg(value: string, previous: ArgPairs | undefined): ArgPairs {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected key=value, got "${value}"`);
  return [...(previous ?? []), [value.slice(0, eq), parseScalar(value.slice(eq + 1))]];
}

export interface ToolArgSources {
  arg?: ArgPairs | undefined;
  argsJson?: string | undefined;
  argsFile?: string | undefined;
}

/**
 * The arguments object sent to the tool: `--args-json` or `--args-file` (`-` for stdin) as a
 * base, then each `--arg` on top, so a saved file can be reused with one value changed.
 */
export async function buildToolArgs(
  src: ToolArgSources,
  readStdin: () => Promise<string>,
): Promise<Record<string, unknown>> {
  if (src.argsJson !== undefined && src.argsFile !== undefined) {
    throw new UsageError('use either --args-json or --args-file, not both');
  }
  let base: Record<string, unknown> = {};
  if (src.argsJson !== undefined) base = parseObject(src.argsJson, '--args-json');
  if (src.argsFile !== undefined) {
    base = parseObject(await readArgsFile(src.argsFile, readStdin), `--args-file ${src.argsFile}`);
  }
  const args: Record<string, unknown> = { ...base };
  for (const [key, value] of src.arg ?? []) args[key] = value;
  return args;
}

async function readArgsFile(path: string, readStdin: () => Promise<string>): Promise<string> {
  if (path === '-') return readStdin();
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${path}: ${(err as Error).message}`);
  }
}

function parseObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${what} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UsageError(`${what} must be a JSON object such as {"count": 3}`);
  }
  return value as Record<string, unknown>;
}
