import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exactPattern } from '../approvals/approval-link-page';
import { createTestApp, type TestApp } from '../../test/test-app';
import { htmlPage } from './html-page';
import { PAGE_STYLESHEET_PATH } from './page-stylesheet';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('the look of the server-rendered pages', () => {
  it('is a stylesheet from self, served without a session, and every page links it', async () => {
    const res = await t.app.inject({ method: 'GET', url: PAGE_STYLESHEET_PATH });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/css/);
    expect(res.body).toContain('prefers-color-scheme:dark');
    expect(res.headers['content-security-policy']).toContain("style-src 'self'");
    const page = htmlPage('T', '<p>x</p>');
    expect(page).toContain(`<link rel="stylesheet" href="${PAGE_STYLESHEET_PATH}">`);
    expect(page).not.toMatch(/<style|style=/);
  });
});

describe('exactPattern (the link page keeps Approve from submitting until the name is exact)', () => {
  // Browsers compile `pattern` as ^(?:…)$ with the v flag.
  const accepts = (tool: string, typed: string) => new RegExp(`^(?:${exactPattern(tool)})$`, 'v').test(typed);

  it('matches the tool name and nothing else: case, spaces, look-alikes and regex wildcards fail', () => {
    for (const tool of ['drop_db', 'k8s.node-drain', 'a.b']) expect(accepts(tool, tool)).toBe(true);
    for (const typed of ['DROP_DB', 'drop_db ', ' drop_db', 'drop\u200bdb', 'drор_db', 'drop-db', ''])
      expect({ typed, ok: accepts('drop_db', typed) }).toEqual({ typed, ok: false });
    expect(accepts('a.b', 'axb')).toBe(false);
  });
});
