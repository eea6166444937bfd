import { InvalidArgumentError } from 'commander';

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * `--since`/`--until` take an RFC 3339 time (`2026-01-31T12:00:00Z`), a date (`2026-01-31`,
 * midnight UTC) or a duration back from now (`90m`, `2h`, `7d`); with `direction: 'ahead'` (a
 * deadline such as `delegations grant --until`) the duration counts forward instead. Returns
 * RFC 3339 for the API.
 */
export function parseTimeFlag(
  value: string,
  now: Date = new Date(),
  direction: 'back' | 'ahead' = 'back',
): string {
  const rel = /^(\d+)([smhdw])$/.exec(value.trim());
  if (rel) {
    const ms = Number(rel[1]) * UNIT_MS[rel[2]!]!;
    return new Date(now.getTime() + (direction === 'ahead' ? ms : -ms)).toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const d = new Date(`${value}T00:00:00Z`);
    if (!Number.isNaN(d.getTime())) return d.toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i.test(value)) {
    const d = new Date(value);
    if (!Number.isNaN(d.getTime())) return d.toISOString();
  }
  throw new InvalidArgumentError(
    `expected a time like 2026-01-31T12:00:00Z, a date, or a duration like 2h or 7d`,
  );
}
