/** Debian's Chromium driven by playwright-core (never a downloaded browser), offline and headless. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';

const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(
  Boolean,
) as string[];

export const DOCS_DIR = path.resolve(__dirname, '../docs');

export async function launchBrowser(): Promise<Browser> {
  const executablePath = CANDIDATES.find((candidate) => existsSync(candidate));
  if (!executablePath) throw new Error('Chromium not found: `apt-get install chromium`, or set CHROMIUM_PATH');
  // playwright gives every launch a fresh, empty profile of its own (no --user-data-dir needed).
  return chromium.launch({
    executablePath,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
    ],
  });
}

/** A phone-sized page, as a shopper holds it. */
export async function phonePage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
  return context.newPage();
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(DOCS_DIR, `${name}.png`) });
}
