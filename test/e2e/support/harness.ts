import type { SignalServerOptions } from '@bilateral-base/signal-node';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { launchChromium, openPage } from './chromium.js';
import { WAIT_MS } from './frames.js';
import type { TestWindow } from './page-globals.js';
import { startSignal, type TestSignal } from './signal.js';
import { startStaticServer, type StaticServer } from './static-server.js';

export interface Harness {
  readonly site: StaticServer;
  readonly signal: TestSignal;
  readonly browser: Browser;
  /**
   * Opens `url` in a fresh context and waits for the page's script to be ready.
   * `beforeNavigate` runs on the new page first, for listeners that must see every
   * request.
   */
  newPage(url: string, initScript?: string, beforeNavigate?: (page: Page) => void): Promise<Page>;
  /** Closes every context opened so far. */
  closePages(): Promise<void>;
}

export interface HarnessOptions {
  /** More bb-signal options, read when the hooks run (after earlier `beforeAll`s). */
  readonly signalOptions?: () => SignalServerOptions;
}

/**
 * Registers hooks that start a static site, a real bb-signal that accepts that site's
 * origin, and Chromium once per test file, and close them all afterwards. Pages are
 * closed after every test.
 */
export function useHarness(options: HarnessOptions = {}): Harness {
  let site: StaticServer | undefined;
  let signal: TestSignal | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    site = await startStaticServer();
    signal = await startSignal(site.origin, options.signalOptions?.() ?? {});
    browser = await launchChromium();
  });

  const closePages = async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  };
  afterEach(closePages);

  afterAll(async () => {
    await closePages();
    await browser?.close();
    await signal?.close();
    await site?.close();
  });

  const need = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) {
      throw new Error(`the test harness has no ${name}; did beforeAll fail?`);
    }
    return value;
  };

  return {
    get site() {
      return need(site, 'static site');
    },
    get signal() {
      return need(signal, 'signal server');
    },
    get browser() {
      return need(browser, 'browser');
    },
    async newPage(url, initScript, beforeNavigate) {
      const { context, page } = await openPage(need(browser, 'browser'));
      contexts.push(context);
      beforeNavigate?.(page);
      if (initScript !== undefined) {
        await page.addInitScript({ content: initScript });
      }
      await page.goto(url);
      await page.waitForFunction(() => (window as unknown as TestWindow).bbReady, undefined, {
        timeout: WAIT_MS,
      });
      return page;
    },
    closePages,
  };
}
