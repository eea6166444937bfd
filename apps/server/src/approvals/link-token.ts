import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/schema';

/**
 * One-time approval link tokens: `base64url(JSON claims) "." base64url(HMAC-SHA256(secret, first
 * part))`. The MAC covers the encoded payload text exactly as sent, so nothing is re-serialised
 * before checking. The token is the only credential of a link; its nonce (`jti`) is stored in
 * `approval_links` and consumed with the decision, so a token works once. Rotating the secret
 * invalidates every outstanding token.
 */
export const LinkClaims = z
  .object({
    /** Approval id; must equal the id in the URL. */
    aid: z.string().min(1).max(64),
    /** Project of the approval. */
    pid: z.string().min(1).max(64),
    /** Stage the link was sent for; a link dies when the approval moves on. */
    stage: z.number().int().min(0).max(100),
    /** The reviewer's e-mail, lowercased. */
    sub: z.string().min(3).max(320),
    /** Expiry in unix seconds: the stage deadline, never later. */
    exp: z.number().int().positive(),
    jti: z.string().min(16).max(64),
  })
  .strict();
export type LinkClaims = z.infer<typeof LinkClaims>;

/** Longest token accepted; a real one is about 300 characters. */
export const MAX_TOKEN_LENGTH = 2048;

const SEGMENT = /^[A-Za-z0-9_-]+$/;

function mac(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload, 'ascii').digest();
}

export function signLinkToken(secret: string, claims: LinkClaims): string {
  const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/**
 * The claims of a token signed with `secret`, for approval `approvalId`, not expired at
 * `nowSeconds` (the database clock); null for anything else. Only canonical base64url is
 * accepted, so a token has exactly one spelling.
 */
export function verifyLinkToken(
  secret: string,
  token: string,
  approvalId: string,
  nowSeconds: number,
): LinkClaims | null {
  if (token.length > MAX_TOKEN_LENGTH) return null;
  const parts = token.split('.');
  if (parts.length !== 2) return null;
  const [payload, signature] = parts as [string, string];
  if (!SEGMENT.test(payload) || !SEGMENT.test(signature)) return null;
  const given = Buffer.from(signature, 'base64url');
  if (given.toString('base64url') !== signature) return null;
  const expected = mac(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const raw = Buffer.from(payload, 'base64url');
  if (raw.toString('base64url') !== payload) return null;
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return null;
  }
  const claims = LinkClaims.safeParse(json);
  if (!claims.success) return null;
  if (claims.data.aid !== approvalId || claims.data.exp <= nowSeconds) return null;
  return claims.data;
}

/**
 * Mints a link for `email` at the approval's current stage, in the caller's transaction: the
 * nonce row is inserted and the token returned. It expires with the stage (its deadline,
 * rounded down to the second).
 */
export async function mintLinkToken(
  trx: Kysely<Database>,
  secret: string,
  approval: { id: string; project_id: string; stage_index: number; stage_deadline_at: Date },
  email: string,
): Promise<string> {
  const claims: LinkClaims = {
    aid: approval.id,
    pid: approval.project_id,
    stage: approval.stage_index,
    sub: email.toLowerCase(),
    exp: Math.floor(approval.stage_deadline_at.getTime() / 1000),
    jti: randomBytes(18).toString('base64url'),
  };
  await trx
    .insertInto('approval_links')
    .values({
      jti: claims.jti,
      approval_id: claims.aid,
      stage_index: claims.stage,
      email: claims.sub,
      expires_at: new Date(claims.exp * 1000),
    })
    .execute();
  return signLinkToken(secret, claims);
}
