// Real Chromium (Debian's /usr/bin/chromium, installed by scripts/ensure-chromium.sh) driven by
// playwright-core: no browser download, no network besides the api under test.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { TEST_PASSWORD } from './fixtures';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const SCREENSHOT_DIR = path.resolve(__dirname, '../../docs/console');

export interface TestBrowser {
  browser: Browser;
  /** A fresh context (own storage: own session) on the console at `baseUrl`. */
  newPage(baseUrl: string, opts?: { lang?: 'zh' | 'en' }): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  // playwright refuses --user-data-dir in launch(): it gives every launch a fresh temporary profile
  // (--user-data-dir=<new temp dir>) and deletes it on close, which is what we want.
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const contexts: BrowserContext[] = [];
  return {
    browser,
    async newPage(baseUrl, opts = {}) {
      const context = await browser.newContext({ baseURL: baseUrl, locale: 'zh-CN', viewport: { width: 1280, height: 860 } });
      contexts.push(context);
      // Nothing outside the api under test: a request elsewhere (CDN, font) fails the test loudly.
      await context.route(
        (url) => !url.href.startsWith(baseUrl) && !url.href.startsWith(baseUrl.replace('http', 'ws')) && url.protocol !== 'data:',
        (route) => route.abort('blockedbyclient'),
      );
      if (opts.lang === 'en') await context.addInitScript('localStorage.setItem("zs.lang", "en")');
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      return { context, page };
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
    },
  };
}

/** Logs in through the login page and waits for the workbench. */
export async function loginInBrowser(page: Page, username: string, password = TEST_PASSWORD): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: /登\s*录/ }).click();
  await page.getByRole('heading', { name: '工作台' }).waitFor();
}

/** A full-page screenshot into docs/console/ (committed: the README links them). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}
