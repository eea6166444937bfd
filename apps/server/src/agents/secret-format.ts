import { randomToken, sha256Hex } from '../ids';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export type SecretKind = 'xjk' | 'xac';

/**
 * Join keys (`xjk_…`) and agent credentials (`xac_…`): a type prefix and 43 base62 chars
 * (≈ 256 random bits), so a plain SHA-256 is a safe stored form; no KDF needed.
 */
export function mintSecret(kind: SecretKind): { secret: string; prefix: string; hash: string } {
  const secret = `${kind}_${randomToken(43, BASE62)}`;
  return { secret, prefix: secret.slice(0, kind.length + 1 + 8), hash: sha256Hex(secret) };
}

export function looksLikeSecret(kind: SecretKind, value: string): boolean {
  return value.length === kind.length + 44 && new RegExp(`^${kind}_[0-9A-Za-z]{43}$`).test(value);
}
