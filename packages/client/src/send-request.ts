import type { z } from 'zod';
import { errorFromResponse, parseJson } from './error-from-response';
import { XemApiError } from './xem-api-error';
import { XemConnectionError } from './xem-connection-error';

/** Every route answers quickly; a silent server should not hang a script forever. */
export const REQUEST_TIMEOUT_MS = 30_000;

export type QueryValue = string | number | undefined | null;

export interface Transport {
  baseUrl: string;
  apiKey?: string | undefined;
  userAgent?: string | undefined;
  /** Dashboard session (browser): send the cookie and the CSRF token on state-changing requests. */
  session?: SessionAuth | undefined;
}

/** How a browser page authenticates: its session cookie, plus the CSRF token of GET /ops/session. */
export interface SessionAuth {
  /** The current `csrf_token`; null before login. */
  csrfToken(): string | null;
}

export interface RequestSpec<T extends z.ZodType> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
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
  // Errors are JSON envelopes even on text routes, so both are acceptable.
  const { url, init } = buildRequest(
    t,
    spec,
    accept === 'application/json' ? accept : `${accept}, application/json`,
  );
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal: AbortSignal.timeout(spec.timeoutMs ?? REQUEST_TIMEOUT_MS) });
  } catch (err) {
    throw new XemConnectionError(url.origin, err);
  }
  const requestId = res.headers.get('x-request-id');
  const text = await res.text();
  if (!res.ok) throw errorFromResponse(res, text);
  return { res, text, requestId };
}

/**
 * The URL and fetch options of a request: query parameters, the `Accept` header, auth (API key,
 * or the session's cookie and CSRF token on state-changing requests) and a JSON body when there
 * is one (a Content-Type with no body is refused by the server). No signal: the caller adds its own.
 */
export function buildRequest(
  t: Transport,
  spec: Omit<RequestSpec<z.ZodType>, 'schema' | 'timeoutMs'>,
  accept: string,
): { url: URL; init: RequestInit } {
  const url = new URL(t.baseUrl.replace(/\/+$/, '') + spec.path);
  for (const [name, value] of Object.entries(spec.query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, String(value));
  }
  const headers: Record<string, string> = { accept };
  for (const [name, value] of Object.entries(spec.headers ?? {})) headers[name.toLowerCase()] = value;
  if (t.apiKey) headers.authorization = `Bearer ${t.apiKey}`;
  if (t.userAgent) headers['user-agent'] = t.userAgent;
  const csrf = t.session && spec.method !== 'GET' ? t.session.csrfToken() : null;
  if (csrf) headers['x-csrf-token'] = csrf;
  let body: string | undefined;
  if (spec.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(spec.body);
  }
  const init: RequestInit = {
    method: spec.method,
    headers,
    body,
    ...(t.session ? { credentials: 'same-origin' as const } : {}),
  };
  return { url, init };
}
