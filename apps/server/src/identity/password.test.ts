import { describe, expect, it } from 'vitest';
import { createPasswordHasher } from './password';

const hasher = createPasswordHasher({ costLog2: 10 });

describe('password hasher', () => {
  it('verifies a password against its own hash', async () => {
    const stored = await hasher.hash('correct horse battery');
    expect(stored).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(await hasher.verify('correct horse battery', stored)).toBe(true);
  });

  it('refuses a wrong password', async () => {
    const stored = await hasher.hash('correct horse battery');
    expect(await hasher.verify('correct horse batterY', stored)).toBe(false);
    expect(await hasher.verify('', stored)).toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hasher.hash('same password'), hasher.hash('same password')]);
    expect(a).not.toBe(b);
  });

  it('verifies hashes made at another cost (stored hashes keep their parameters)', async () => {
    const old = await createPasswordHasher({ costLog2: 11 }).hash('kept password');
    expect(old.startsWith('scrypt$2048$')).toBe(true);
    expect(await hasher.verify('kept password', old)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['garbage', 'not-a-hash'],
    ['another scheme', '$2b$12$abcdefghijklmnopqrstuuJ8x2n8v1m0Y3zq1cTqGk2S8x0qzQ7xW'],
    ['too few parts', 'scrypt$1024$8$1$c2FsdA=='],
    ['non-numeric cost', 'scrypt$abc$8$1$c2FsdA==$a2V5'],
    ['zero cost', 'scrypt$0$8$1$c2FsdA==$a2V5'],
    ['cost not a power of two', 'scrypt$1000$8$1$c2FsdA==$a2V5'],
    ['absurd cost', `scrypt$${2 ** 24}$8$1$c2FsdA==$a2V5`],
    ['absurd block size', 'scrypt$1024$100000000$1$c2FsdA==$a2V5'],
    ['absurd parallelism', 'scrypt$1024$8$100000000$c2FsdA==$a2V5'],
    ['empty key', 'scrypt$1024$8$1$c2FsdA==$'],
  ])('answers false, never throws, for a malformed stored hash (%s)', async (_what, stored) => {
    await expect(hasher.verify('any password', stored)).resolves.toBe(false);
  });

  it('dummyVerify resolves without a stored hash', async () => {
    await expect(hasher.dummyVerify('whatever')).resolves.toBeUndefined();
  });

  it('hashes off the event loop: a setImmediate callback runs while a cost-14 hash is in flight', async () => {
    const slow = createPasswordHasher({ costLog2: 14 });
    const order: string[] = [];
    const hashed = slow.hash('off the loop').then(() => order.push('hash'));
    setImmediate(() => order.push('immediate'));
    await hashed;
    expect(order).toEqual(['immediate', 'hash']);
  });

  it('verifies off the event loop too', async () => {
    const slow = createPasswordHasher({ costLog2: 14 });
    const stored = await slow.hash('off the loop');
    const order: string[] = [];
    const verified = slow.verify('off the loop', stored).then((ok) => order.push(`verify:${ok}`));
    setImmediate(() => order.push('immediate'));
    await verified;
    expect(order).toEqual(['immediate', 'verify:true']);
  });
});
