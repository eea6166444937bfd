#!/usr/bin/env node
// One HTTP(S) request: status, latency and response headers. Redirects are reported, not followed.
import { intArg, onlyKeys, runTool, stringArg, ToolError } from './lib/io.mjs';

await runTool(async (args) => {
  onlyKeys(args, ['url', 'timeout_ms', 'method']);
  const raw = stringArg(args, 'url', { required: true });
  let url;
  try {
    url = new URL(raw);
  } catch {
    throw new ToolError(`url ${raw} is not a valid URL`, 2);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ToolError(`url scheme ${url.protocol} is not allowed: only http and https`, 2);
  const method = stringArg(args, 'method', { fallback: 'GET' }).toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') throw new ToolError('method must be GET or HEAD', 2);
  const timeoutMs = intArg(args, 'timeout_ms', { min: 100, max: 30_000, fallback: 5000 });

  const started = performance.now();
  let res;
  try {
    res = await fetch(url, { method, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const why =
      err.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : (err.cause?.message ?? err.message);
    throw new ToolError(`${method} ${url.href} failed: ${why}`);
  }
  const headersMs = performance.now() - started;
  // Read (and count) the body so the latency covers the whole response, like a user would see it.
  const body = method === 'HEAD' ? new Uint8Array() : new Uint8Array(await res.arrayBuffer());
  return {
    url: url.href,
    method,
    status: res.status,
    status_text: res.statusText,
    ok: res.ok,
    latency_ms: Math.round(performance.now() - started),
    time_to_headers_ms: Math.round(headersMs),
    body_bytes: body.length,
    headers: Object.fromEntries(res.headers),
  };
});
