import { ErrorEnvelope } from '@xem/protocol';
import { z } from 'zod';
import { XemApiError } from './xem-api-error';

const LooseEnvelope = z.object({
  error: z.object({ message: z.string(), code: z.string(), param: z.string().nullish() }),
});

/** The body as JSON, or undefined when it is empty or not JSON. */
export function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A non-2xx answer as an XemApiError: the server's envelope when it sent one, else what the
 * thing in between (a proxy, a load balancer) said.
 */
export function errorFromResponse(res: Response, text: string): XemApiError {
  const json = parseJson(text);
  const requestId = res.headers.get('x-request-id');
  const envelope = ErrorEnvelope.safeParse(json);
  if (envelope.success) {
    const e = envelope.data.error;
    return new XemApiError({
      status: res.status,
      code: e.code,
      message: e.message,
      type: e.type,
      param: e.param,
      requestId,
      retryAfterSeconds: e.retry_after ?? null,
    });
  }
  // A newer server may send a code this client does not know yet; keep it rather than hide it.
  const loose = LooseEnvelope.safeParse(json);
  if (loose.success) {
    const e = loose.data.error;
    return new XemApiError({
      status: res.status,
      code: e.code,
      message: e.message,
      param: e.param ?? null,
      requestId,
    });
  }
  // Something in between (a proxy, a load balancer) answered; show what it said.
  const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 200);
  return new XemApiError({
    status: res.status,
    code: 'unexpected_response',
    message: `HTTP ${res.status} ${res.statusText}${snippet ? `: ${snippet}` : ''}`,
    requestId,
  });
}
