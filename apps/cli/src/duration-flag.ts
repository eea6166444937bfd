import { InvalidArgumentError } from 'commander';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** `--timeout` values: `500ms`, `90s`, `2m`, `1h`; a bare number is seconds. Returns milliseconds. */
export function parseDuration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError(`expected a duration like 60s, 5m or 500ms, got "${value}"`);
  const ms = Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 's']!);
  if (ms <= 0) throw new InvalidArgumentError('must be more than zero');
  return ms;
}
