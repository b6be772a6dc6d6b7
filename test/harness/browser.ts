// Headless Debian chromium through playwright-core, with a fresh profile; closed after the test.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { assertPresent, which } from './requires.ts';

export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface TestBrowser {
  context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** Extra Chromium flags, e.g. `--host-resolver-rules=…`. */
  args?: string[];
  ignoreHTTPSErrors?: boolean;
}

/** Launches chromium (from PATH) with its own user-data-dir; fails clearly when it is not installed. */
export async function launchBrowser(t: TestContext, options: LaunchOptions = {}): Promise<TestBrowser> {
  assertPresent('chromium');
  const { chromium } = await import('playwright-core');
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rolehop-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: which('chromium')!,
    headless: true,
    args: [...chromiumArgs, ...(options.args ?? [])],
    ignoreHTTPSErrors: options.ignoreHTTPSErrors === true,
    timeout: 60_000,
  });
  let closed = false;
  const browser: TestBrowser = {
    context,
    newPage: () => context.newPage(),
    close: async () => {
      if (closed) return;
      closed = true;
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
  t.after(() => browser.close());
  return browser;
}
