import { randomToken, sha256Hex } from '../ids';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `xero_<project-slug>_<43 base62 chars>`: 43 × log2(62) ≈ 256 bits of randomness. */
export function mintKey(projectSlug: string): { key: string; prefix: string; hash: string } {
  const key = `xero_${projectSlug}_${randomToken(43, BASE62)}`;
  return { key, prefix: key.slice(0, `xero_${projectSlug}_`.length + 8), hash: hashKey(key) };
}

/** Keys carry 256 random bits, so a plain SHA-256 cannot be brute-forced; no KDF needed. */
export function hashKey(key: string): string {
  return sha256Hex(key);
}

export function looksLikeKey(value: string): boolean {
  return /^xero_[a-z0-9-]{1,40}_[0-9A-Za-z]{43}$/.test(value);
}
