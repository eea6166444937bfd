import type { z } from 'zod';

/** The router could not be reached or answered 5xx/429: worth trying again later. */
export class RouterUnavailable extends Error {
  override name = 'RouterUnavailable';
}

/** The router answered 4xx: trying the same request again will not help. */
export class RouterRefused extends Error {
  override name = 'RouterRefused';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 15_000;

/** POSTs JSON to the router's agent-facing routes and parses the answer with a protocol schema. */
export async function postJson<T extends z.ZodType>(
  routerUrl: string,
  path: string,
  body: unknown,
  schema: T,
): Promise<z.output<T>> {
  let res: Response;
  try {
    res = await fetch(`${routerUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    throw new RouterUnavailable(`POST ${routerUrl}${path} failed: ${(err as Error).message}`);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (res.status >= 500 || res.status === 429)
    throw new RouterUnavailable(`POST ${path} answered ${res.status}: ${text.slice(0, 200)}`);
  if (!res.ok) {
    const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    const code = typeof error?.code === 'string' ? error.code : `http_${res.status}`;
    const message = typeof error?.message === 'string' ? error.message : text.slice(0, 200);
    throw new RouterRefused(res.status, code, `POST ${path} answered ${res.status} ${code}: ${message}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw new RouterUnavailable(
      `POST ${path} answered a body the protocol does not allow: ${parsed.error.message}`,
    );
  return parsed.data;
}
