import { Scope } from '@xem/protocol';
import { InvalidArgumentError } from 'commander';

/** Commander argument parser for a whole number in [min, max]; a bad value is a usage error. */
export function intInRange(min: number, max: number): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`expected a whole number, got "${value}"`);
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`must be between ${min} and ${max}`);
    return n;
  };
}

/** `a, b,,c` → `['a', 'b', 'c']`: a comma-separated flag value, blanks dropped. */
export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** `execution,management` → a checked, de-duplicated scope list. */
export function scopeList(value: string): Scope[] {
  const parts = splitList(value);
  if (parts.length === 0) throw new InvalidArgumentError('name at least one scope');
  const unknown = parts.filter((p) => !Scope.safeParse(p).success);
  if (unknown.length > 0) {
    throw new InvalidArgumentError(
      `unknown scope ${unknown.join(', ')}; choose from ${Scope.options.join(', ')}`,
    );
  }
  return [...new Set(parts)] as Scope[];
}

/** `failed,timed_out` → a checked, de-duplicated list of values from `allowed`. */
export function enumList<T extends string>(allowed: readonly T[]): (value: string) => T[] {
  return (value) => {
    const parts = splitList(value);
    if (parts.length === 0) throw new InvalidArgumentError('name at least one value');
    const unknown = parts.filter((p) => !(allowed as readonly string[]).includes(p));
    if (unknown.length > 0) {
      throw new InvalidArgumentError(`unknown ${unknown.join(', ')}; choose from ${allowed.join(', ')}`);
    }
    return [...new Set(parts)] as T[];
  };
}
