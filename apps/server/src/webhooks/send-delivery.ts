import type { ClaimedDelivery } from './claim-deliveries';
import { signWebhook } from './webhook-signature';
import { webhookUrlProblem } from './webhook-url';

export const WEBHOOK_USER_AGENT = 'xem-webhooks/0.1';

/** How much of an endpoint's answer the history keeps. */
const EXCERPT_BYTES = 512;

/** What one attempt gave. */
export interface AttemptOutcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  responseExcerpt: string | null;
  durationMs: number;
}

export interface SendOptions {
  timeoutMs: number;
  allowHttpLoopback: boolean;
}

/**
 * POSTs the delivery's body once, signed now. A 2xx answer is success; anything else — another
 * status, a redirect (never followed), no answer within `timeoutMs` — is a failure described in
 * `error`. The URL is checked again because the server's policy may have changed since it was
 * stored. Never throws.
 */
export async function sendDelivery(d: ClaimedDelivery, opts: SendOptions): Promise<AttemptOutcome> {
  const problem = webhookUrlProblem(d.url, opts.allowHttpLoopback);
  if (problem) return { ok: false, statusCode: null, error: problem, responseExcerpt: null, durationMs: 0 };
  const timestamp = Math.floor(d.startedAt.getTime() / 1000);
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const res = await fetch(d.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': WEBHOOK_USER_AGENT,
        'x-xem-event-id': d.envelopeId,
        'x-xem-delivery-id': d.id,
        'x-xem-timestamp': String(timestamp),
        'x-xem-signature': signWebhook(d.secret, timestamp, d.body),
      },
      body: d.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    const excerpt = await readExcerpt(res);
    const ok = res.status >= 200 && res.status < 300;
    const error = ok
      ? null
      : res.status >= 300 && res.status < 400
        ? `endpoint answered ${res.status} redirecting to ${res.headers.get('location') ?? '(no Location)'}; redirects are not followed, register the final URL`
        : `endpoint answered ${res.status}`;
    return { ok, statusCode: res.status, error, responseExcerpt: excerpt, durationMs: elapsed() };
  } catch (err) {
    return {
      ok: false,
      statusCode: null,
      error: describeFailure(err, opts.timeoutMs),
      responseExcerpt: null,
      durationMs: elapsed(),
    };
  }
}

/** The first bytes of the answer, reading no more than that (the rest is discarded). */
async function readExcerpt(res: Response): Promise<string | null> {
  if (!res.body) return null;
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // The status decided the outcome; a body cut short only shortens the excerpt.
  } finally {
    void reader.cancel().catch(() => {});
  }
  if (size === 0) return null;
  const bytes = Buffer.concat(chunks).subarray(0, EXCERPT_BYTES);
  return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
}

function describeFailure(err: unknown, timeoutMs: number): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
    return `no answer within ${timeoutMs} ms`;
  }
  const cause =
    err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.code) return `request failed: ${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  if (cause?.message === 'bad port') {
    return 'request failed: the port is one fetch refuses (https://fetch.spec.whatwg.org/#bad-port); use another';
  }
  return `request failed: ${cause?.message ?? (err instanceof Error ? err.message : String(err))}`;
}
