import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/**
 * A KeyObject from a raw 32-byte Ed25519 public key (base64url), or null when it is not one.
 * Node takes raw Ed25519 keys only as JWK (`x` is exactly that base64url encoding).
 */
export function ed25519PublicKey(rawBase64url: string): KeyObject | null {
  if (Buffer.from(rawBase64url, 'base64url').length !== 32) return null;
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: rawBase64url }, format: 'jwk' });
  } catch {
    return null;
  }
}

/** True when `signatureBase64url` is a valid Ed25519 signature of the UTF-8 `message`. */
export function verifyEd25519(
  publicKeyBase64url: string,
  message: string,
  signatureBase64url: string,
): boolean {
  const key = ed25519PublicKey(publicKeyBase64url);
  if (!key || !/^[A-Za-z0-9_-]+$/.test(signatureBase64url)) return false;
  const signature = Buffer.from(signatureBase64url, 'base64url');
  if (signature.length !== 64) return false;
  // Ed25519 hashes internally: the algorithm argument must be null.
  return verify(null, Buffer.from(message, 'utf8'), key, signature);
}
