import { createHmac } from 'node:crypto';
import { randomToken } from '../ids';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A signing secret: `whsec_` and 43 base62 characters (about 256 random bits). */
export function mintWebhookSecret(): { secret: string; prefix: string } {
  const secret = `whsec_${randomToken(43, BASE62)}`;
  return { secret, prefix: secretPrefix(secret) };
}

/** What the API shows of a secret: enough to tell two apart, too little to sign with. */
export function secretPrefix(secret: string): string {
  return secret.slice(0, 'whsec_'.length + 6);
}

/**
 * The `X-Xem-Signature` value: `sha256=` and the hex HMAC-SHA256, keyed with the whole secret
 * string (UTF-8), of `<timestamp>.<body>`, where timestamp is the `X-Xem-Timestamp` value.
 */
export function signWebhook(secret: string, timestampSeconds: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex')}`;
}
