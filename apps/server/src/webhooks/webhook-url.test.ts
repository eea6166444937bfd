import { describe, expect, it } from 'vitest';
import { isLoopbackHost, webhookUrlProblem } from './webhook-url';

describe('webhook URLs', () => {
  it('accepts https anywhere', () => {
    for (const url of ['https://hooks.example.com/xem', 'https://10.0.0.5:8443/in?x=1', 'https://[::1]/h']) {
      expect(webhookUrlProblem(url, false), url).toBeNull();
    }
  });

  it('accepts http only to loopback, and only with the development flag', () => {
    for (const url of [
      'http://127.0.0.1:9000/h',
      'http://127.8.9.1/h',
      'http://localhost:3000/h',
      'http://[::1]:80/h',
    ]) {
      expect(webhookUrlProblem(url, true), url).toBeNull();
      expect(webhookUrlProblem(url, false), url).toMatch(/XEM_WEBHOOKS_ALLOW_HTTP_LOOPBACK=true/);
    }
    for (const url of [
      'http://example.com/h',
      'http://10.0.0.1/h',
      'http://128.0.0.1/h',
      'http://127.0.0.1.nip.io/h',
    ]) {
      expect(webhookUrlProblem(url, true), url).toMatch(/must use https/);
    }
  });

  it('refuses other schemes, relative URLs and credentials in the URL', () => {
    expect(webhookUrlProblem('ftp://example.com/h', true)).toMatch(/not ftp/);
    expect(webhookUrlProblem('/hooks', true)).toMatch(/not an absolute URL/);
    expect(webhookUrlProblem('hooks.example.com', true)).toMatch(/not an absolute URL|must use https/);
    expect(webhookUrlProblem('https://user:pw@example.com/h', true)).toMatch(/user name or password/);
  });

  it('knows the loopback hosts', () => {
    expect(['localhost', 'LOCALHOST', '127.0.0.1', '127.255.255.254', '[::1]'].every(isLoopbackHost)).toBe(
      true,
    );
    expect(
      ['localhost.example.com', '0.0.0.0', '::1', '[::ffff:7f00:1]', '1.2.3.4'].some(isLoopbackHost),
    ).toBe(false);
  });
});
