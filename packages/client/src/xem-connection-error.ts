/** The server could not be reached at all (DNS, refused connection, TLS, timeout). */
export class XemConnectionError extends Error {
  override name = 'XemConnectionError';
  readonly url: string;

  constructor(url: string, cause: unknown) {
    const reason = describeCause(cause);
    super(`cannot reach ${url}: ${reason}`, { cause });
    this.url = url;
  }
}

/** undici wraps the useful part (ECONNREFUSED, ENOTFOUND…) in `cause`; surface it. */
export function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  if (cause.name === 'TimeoutError') return 'no answer in time';
  const inner = cause.cause;
  if (inner instanceof Error) {
    const code = (inner as { code?: unknown }).code;
    return typeof code === 'string' ? `${code} (${inner.message})` : inner.message;
  }
  return cause.message;
}
