import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface SigningKey {
  /** Raw 32-byte Ed25519 public key, base64url without padding (what enrollment sends). */
  publicKey: string;
  /** Ed25519 signature over the UTF-8 bytes of `message`, base64url. */
  sign(message: string): string;
}

// PKCS#8 DER of an Ed25519 key is this fixed prefix followed by the 32-byte seed.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function fromSeed(seed: Buffer): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

function toSigningKey(privateKey: KeyObject): SigningKey {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new Error('Ed25519 public key export gave no x coordinate');
  return {
    publicKey: jwk.x,
    sign: (message) => sign(null, Buffer.from(message, 'utf8'), privateKey).toString('base64url'),
  };
}

/**
 * Loads the agent's identity key, or makes one on first run. The router checks refresh
 * signatures against the public key sent at enrollment, so losing this file means enrolling
 * again with a new join key. Stored as the 32-byte seed in hex, mode 0600.
 */
export function loadOrCreateSigningKey(path: string): SigningKey {
  let text: string | undefined;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (text !== undefined) {
    const hex = text.trim();
    if (!/^[0-9a-f]{64}$/i.test(hex))
      throw new Error(`signing key ${path} is not 64 hex characters; move it away to make a new one`);
    return toSigningKey(fromSeed(Buffer.from(hex, 'hex')));
  }
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_PREFIX.length);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // `wx`: two agents racing on a fresh directory must not overwrite each other's key.
  writeFileSync(path, `${seed.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  return toSigningKey(privateKey);
}
