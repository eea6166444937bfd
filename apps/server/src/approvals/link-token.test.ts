import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signLinkToken, verifyLinkToken, type LinkClaims } from './link-token';

const SECRET = 'k'.repeat(32);
const NOW = 1_800_000_000;
const claims: LinkClaims = {
  aid: 'apr_aaaaaaaaaaaaaaaaaaaa',
  pid: 'proj_bbbbbbbbbbbbbbbbbbbb',
  stage: 0,
  sub: 'reviewer@example.test',
  exp: NOW + 60,
  jti: 'nonce-nonce-nonce-nonce',
};
const token = signLinkToken(SECRET, claims);
const verify = (tok: string, aid = claims.aid, now = NOW) => verifyLinkToken(SECRET, tok, aid, now);

/** A token whose payload is `body`, correctly signed with `secret`. */
function signRaw(body: string, secret = SECRET): string {
  const payload = Buffer.from(body).toString('base64url');
  return `${payload}.${createHmac('sha256', secret).update(payload).digest('base64url')}`;
}

describe('approval link tokens', () => {
  it('round-trips: base64url JSON claims, a dot, base64url HMAC-SHA256 of the first part', () => {
    const [payload, sig] = token.split('.') as [string, string];
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toEqual(claims);
    expect(sig).toBe(createHmac('sha256', SECRET).update(payload).digest('base64url'));
    expect(verify(token)).toEqual(claims);
  });

  it('refuses every single-character change of the payload or the signature', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < token.length; i++) {
      if (token[i] === '.') continue;
      const other = alphabet[(alphabet.indexOf(token[i]!) + 1) % alphabet.length]!;
      const tampered = token.slice(0, i) + other + token.slice(i + 1);
      expect(verify(tampered), `position ${i}`).toBeNull();
    }
  });

  it('refuses a token signed with another secret (a rotated secret invalidates every link)', () => {
    expect(verifyLinkToken('r'.repeat(32), token, claims.aid, NOW)).toBeNull();
    expect(verify(signLinkToken('r'.repeat(32), claims))).toBeNull();
  });

  it('refuses a token for another approval id', () => {
    expect(verify(token, 'apr_cccccccccccccccccccc')).toBeNull();
  });

  it('refuses it at and after its expiry', () => {
    expect(verify(token, claims.aid, claims.exp - 1)).toEqual(claims);
    expect(verify(token, claims.aid, claims.exp)).toBeNull();
    expect(verify(token, claims.aid, claims.exp + 3600)).toBeNull();
  });

  it('refuses malformed tokens, even when signed: shape, padding, extra fields, wrong types', () => {
    for (const bad of [
      '',
      '.',
      token.replace('.', ''),
      `${token}.x`,
      `${token}=`,
      token.replace('.', '.='),
      `${token.split('.')[0]}.`,
      'x'.repeat(3000),
      signRaw('not json'),
      signRaw(JSON.stringify({ ...claims, admin: true })),
      signRaw(JSON.stringify({ ...claims, stage: '0' })),
      signRaw(JSON.stringify({ ...claims, exp: undefined })),
    ]) {
      expect(verify(bad), bad.slice(0, 40)).toBeNull();
    }
    expect(verify(signRaw(JSON.stringify(claims)))).toEqual(claims);
  });
});
