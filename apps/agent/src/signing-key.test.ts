import { verify, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Ed25519PublicKey } from '@xem/protocol';
import { CredentialStore } from './credential-store';
import { loadOrCreateSigningKey } from './signing-key';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'xem-agent-key-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('loadOrCreateSigningKey', () => {
  it('creates the key on first run with mode 0600 and reuses it afterwards', () => {
    const path = join(tempDir(), 'nested', 'agent-signing-key.hex');
    const first = loadOrCreateSigningKey(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(Ed25519PublicKey.safeParse(first.publicKey).success).toBe(true);
    const again = loadOrCreateSigningKey(path);
    expect(again.publicKey).toBe(first.publicKey);
  });

  it('signs so that the public key it reports verifies the signature', () => {
    const key = loadOrCreateSigningKey(join(tempDir(), 'k.hex'));
    const sig = Buffer.from(key.sign('xem-refresh:agt_1:abc'), 'base64url');
    const pub = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: key.publicKey }, format: 'jwk' });
    expect(verify(null, Buffer.from('xem-refresh:agt_1:abc'), pub, sig)).toBe(true);
    expect(verify(null, Buffer.from('xem-refresh:agt_1:abd'), pub, sig)).toBe(false);
  });

  it('refuses a corrupt key file instead of silently making a new identity', () => {
    const path = join(tempDir(), 'k.hex');
    writeFileSync(path, 'not hex');
    expect(() => loadOrCreateSigningKey(path)).toThrowError(/not 64 hex characters/);
  });
});

describe('CredentialStore', () => {
  it('saves with mode 0600 and loads only for the same router and name', () => {
    const store = new CredentialStore(tempDir());
    const saved = {
      agent_id: 'agt_1',
      project_id: 'prj_1',
      credential: 'xac_secret',
      expires_at: '2030-01-01T00:00:00Z',
      obtained_at: '2029-12-31T23:00:00Z',
      router_url: 'http://r',
      registration_name: 'web-1',
    };
    store.save(saved);
    expect(statSync(store.path).mode & 0o777).toBe(0o600);
    expect(store.load('http://r', 'web-1')).toEqual(saved);
    expect(store.load('http://other', 'web-1')).toBeUndefined();
    expect(store.load('http://r', 'web-2')).toBeUndefined();
  });
});
