import { request } from 'node:http';

export interface OnceAnswer {
  status: number;
  contentType: string;
  requestId: string | undefined;
  /** The body; empty for an event stream (it is left after the status line). */
  body: string;
}

/**
 * One request on its own connection (no keep-alive socket to race the server's idle timeout),
 * for routes `inject` cannot end: an event stream is read up to its headers, then dropped.
 */
export function httpOnce(
  origin: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<OnceAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(`${origin}${path}`, { method, headers, agent: false, timeout: timeoutMs }, (res) => {
      const contentType = String(res.headers['content-type'] ?? '');
      const answer = {
        status: res.statusCode ?? 0,
        contentType,
        requestId: res.headers['x-request-id'] as string | undefined,
      };
      if (contentType.startsWith('text/event-stream')) {
        req.destroy();
        resolve({ ...answer, body: '' });
        return;
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ ...answer, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}
