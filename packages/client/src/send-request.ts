import { ErrorEnvelope } from '@xem/protocol';
import { z } from 'zod';
import { XemApiError } from './xem-api-error';
import { XemConnectionError } from './xem-connection-error';

const LooseEnvelope = z.object({
  error: z.object({ message: z.string(), code: z.string(), param: z.string().nullish() }),
});

/** Every route answers quickly; a silent server should not hang a script forever. */
export const REQUEST_TIMEOUT_MS = 30_000;

export type QueryValue = string | number | undefined | null;

export interface Transport {
  baseUrl: string;
  apiKey?: string | undefined;
  userAgent?: string | undefined;
}

export interface RequestSpec<T extends z.ZodType> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, QueryValue> | undefined;
  body?: unknown;
  /** Extra request headers, e.g. `Idempotency-Key`. */
  headers?: Record<string, string> | undefined;
  /** For the few routes that wait on something slow; default REQUEST_TIMEOUT_MS. */
  timeoutMs?: number | undefined;
  schema: T;
}

/**
 * One HTTP exchange: builds the URL, sends JSON only when there is a body (a Content-Type with
 * no body is refused by the server), and parses the answer with the protocol schema.
 */
export async function sendRequest<T extends z.ZodType>(
  t: Transport,
  spec: RequestSpec<T>,
): Promise<z.output<T>> {
  const { res, text, requestId } = await exchange(t, spec, 'application/json');
  const json = parseJson(text);
  const parsed = spec.schema.safeParse(json);
  if (!parsed.success) {
    throw new XemApiError({
      status: res.status,
      code: 'unexpected_response',
      message: `${spec.method} ${spec.path} answered with a body the protocol does not allow: ${parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`,
      requestId,
    });
  }
  return parsed.data;
}

/** Like sendRequest, for the few routes that answer `text/plain` (raw execution output). */
export async function sendTextRequest(
  t: Transport,
  spec: Omit<RequestSpec<z.ZodType>, 'schema'>,
): Promise<string> {
  return (await exchange(t, spec, 'text/plain')).text;
}

/** Sends the request and reads the whole answer; any non-2xx becomes an XemApiError. */
async function exchange(
  t: Transport,
  spec: Omit<RequestSpec<z.ZodType>, 'schema'>,
  accept: string,
): Promise<{ res: Response; text: string; requestId: string | null }> {
  const url = new URL(t.baseUrl.replace(/\/+$/, '') + spec.path);
  for (const [name, value] of Object.entries(spec.query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, String(value));
  }
  // Errors are JSON envelopes even on text routes, so both are acceptable.
  const headers: Record<string, string> = {
    accept: accept === 'application/json' ? accept : `${accept}, application/json`,
  };
  for (const [name, value] of Object.entries(spec.headers ?? {})) headers[name.toLowerCase()] = value;
  if (t.apiKey) headers.authorization = `Bearer ${t.apiKey}`;
  if (t.userAgent) headers['user-agent'] = t.userAgent;
  let body: string | undefined;
  if (spec.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(spec.body);
  }

  let res: Response;
  try {
    res = await fetch(url, {
      method: spec.method,
      headers,
      body,
      signal: AbortSignal.timeout(spec.timeoutMs ?? REQUEST_TIMEOUT_MS),
    });
  } catch (err) {
    throw new XemConnectionError(url.origin, err);
  }
  const requestId = res.headers.get('x-request-id');
  const text = await res.text();
  if (!res.ok) throw errorFrom(res, parseJson(text), text, requestId);
  return { res, text, requestId };
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorFrom(res: Response, json: unknown, text: string, requestId: string | null): XemApiError {
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
