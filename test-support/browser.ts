import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REPO_ROOT, type StartedServer } from './start-server';

/** Debian's chromium (installed by .ci/run); override with XEM_CHROMIUM. */
export const CHROMIUM = process.env.XEM_CHROMIUM ?? '/usr/bin/chromium';
export const SHOT_DIR = join(REPO_ROOT, 'test-output', 'e2e');

export interface Dashboard {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Errors the page logged or threw (CSP violations included); a journey asserts it stays empty. */
  errors: string[];
  /** Signs in through the login form and waits for the shell. */
  login(email?: string, password?: string): Promise<void>;
  /** Saves a full-page screenshot as test-output/e2e/<name>.png and returns its path. */
  shot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}

/** A fresh browser context (no cookies) on the server's dashboard. */
export async function openDashboard(server: StartedServer, browser?: Browser): Promise<Dashboard> {
  const b = browser ?? (await launchBrowser());
  const context = await b.newContext({ viewport: { width: 1400, height: 860 }, baseURL: server.baseUrl });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // 401s before login and refused actions the test provokes are logged as resource errors.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  mkdirSync(SHOT_DIR, { recursive: true });
  return {
    browser: b,
    context,
    page,
    errors,
    async login(email = server.adminEmail, password = server.adminPassword) {
      await page.goto('/ops/login');
      await page.getByLabel('E-mail').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('.topbar').waitFor();
    },
    async shot(name) {
      const path = join(SHOT_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await context.close();
      if (!browser) await b.close();
    },
  };
}
