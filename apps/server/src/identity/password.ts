import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt cost as log2(N); r=8, p=1. 17 is the OWASP recommendation (128 MiB per hash). */
export interface PasswordHasherOptions {
  costLog2: number;
}

function scryptAsync(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  // node's scrypt runs on the libuv thread pool, off the event loop.
  return new Promise((resolve, reject) => {
    scrypt(password, salt, 32, { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Constant-work verify; a malformed stored hash simply fails. */
  verify(password: string, stored: string): Promise<boolean>;
  /** Burns the same work as a verify, so an unknown account answers as slowly as a wrong password. */
  dummyVerify(password: string): Promise<void>;
}

export function createPasswordHasher(opts: PasswordHasherOptions): PasswordHasher {
  const n = 2 ** opts.costLog2;
  const r = 8;
  const p = 1;
  const hash = async (password: string) => {
    const salt = randomBytes(16);
    const key = await scryptAsync(password, salt, n, r, p);
    return `scrypt$${n}$${r}$${p}$${salt.toString('base64')}$${key.toString('base64')}`;
  };
  const verify = async (password: string, stored: string) => {
    const parts = stored.split('$');
    if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
    const [sn, sr, sp] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
    if (![sn, sr, sp].every((x) => Number.isInteger(x) && x > 0)) return false;
    // Bounds keep a corrupt row from costing unbounded memory or CPU; N must be a power of two.
    if (sn < 2 || sn > 2 ** 20 || (sn & (sn - 1)) !== 0 || sr > 32 || sp > 16) return false;
    const expected = Buffer.from(parts[5]!, 'base64');
    let actual: Buffer;
    try {
      actual = await scryptAsync(password, Buffer.from(parts[4]!, 'base64'), sn, sr, sp);
    } catch {
      return false;
    }
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  };
  let dummy: Promise<string> | undefined;
  const dummyVerify = async (password: string) => {
    dummy ??= hash(randomBytes(16).toString('hex'));
    await verify(password, await dummy);
  };
  return { hash, verify, dummyVerify };
}
