/**
 * How big a fuzz run is. `XEM_FUZZ_SCALE` multiplies every figure (default 1: the full run);
 * without it, `XEM_CHAOS_SCALE=ci` (the chaos suite's CI size) means 0.1. Never below one run.
 */
export function fuzzScale(): number {
  const raw = process.env.XEM_FUZZ_SCALE;
  if (raw === undefined || raw === '') return process.env.XEM_CHAOS_SCALE === 'ci' ? 0.1 : 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0)
    throw new Error(`XEM_FUZZ_SCALE must be a positive number, not ${raw}`);
  return scale;
}

export function scaled(full: number): number {
  return Math.max(1, Math.round(full * fuzzScale()));
}

/** A seed for fast-check from `XEM_FUZZ_SEED`, so a failing run can be replayed. */
export function fuzzSeed(): number {
  const raw = process.env.XEM_FUZZ_SEED;
  return raw ? Number(raw) : Date.now() % 2 ** 31;
}
