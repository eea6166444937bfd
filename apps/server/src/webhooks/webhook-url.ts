import { isIPv4 } from 'node:net';
import { AppError } from '../http/app-error';

/** 127.0.0.0/8, ::1 and `localhost`: the only hosts plain http may reach, and only in development. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  if (h === 'localhost' || h === '[::1]') return true;
  return isIPv4(h) && h.startsWith('127.');
}

/**
 * Why `url` may not receive webhooks, or null when it may: an absolute https URL without
 * credentials, or http to a loopback host when `allowHttpLoopback` (XEM_WEBHOOKS_ALLOW_HTTP_LOOPBACK).
 */
export function webhookUrlProblem(url: string, allowHttpLoopback: boolean): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `url "${url}" is not an absolute URL; give one like https://hooks.example.com/xem`;
  }
  if (u.username !== '' || u.password !== '') {
    return 'url must not carry a user name or password: every member can read it; receivers authenticate deliveries by their signature';
  }
  if (u.protocol === 'https:') return null;
  if (u.protocol === 'http:') {
    if (!isLoopbackHost(u.hostname))
      return 'url must use https (http is only accepted for loopback addresses)';
    if (!allowHttpLoopback) {
      return 'url must use https; http to a loopback address needs XEM_WEBHOOKS_ALLOW_HTTP_LOOPBACK=true on the server';
    }
    return null;
  }
  return `url must use https, not ${u.protocol.slice(0, -1)}`;
}

/** Throws 400 `webhook_url_not_allowed` naming the reason. */
export function assertWebhookUrl(url: string, allowHttpLoopback: boolean): void {
  const problem = webhookUrlProblem(url, allowHttpLoopback);
  if (problem) throw new AppError('webhook_url_not_allowed', problem, { param: 'url' });
}
