import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Random lowercase alphanumeric string; each char carries ~5.17 bits. */
export function randomToken(length: number, alphabet = ALPHABET): string {
  const out: string[] = [];
  // Rejection sampling keeps the distribution uniform.
  const limit = 256 - (256 % alphabet.length);
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < limit) out.push(alphabet[b % alphabet.length]!);
      if (out.length === length) break;
    }
  }
  return out.join('');
}

/** Object ids like `proj_k3j…`: a type prefix and 20 random chars (~103 bits). */
export function newId(prefix: string): string {
  return `${prefix}_${randomToken(20)}`;
}

export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}
