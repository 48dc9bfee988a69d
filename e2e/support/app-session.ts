/**
 * One browser-mode Raydeck and one Chromium per test file, a fresh dark 1280×800 page per test,
 * and the rule every browser test keeps: a console error or failed request fails the test.
 * Call `useAppSession()` at the top of a file; it registers the hooks and hands out the parts.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { AppPage } from '../pages/app-page';
import { startRaydeckUi, type RunningRaydeck } from './browser-mode';
import { launchChromium, watchProblems, type PageProblems } from './chromium';

export interface AppSession {
  raydeck: RunningRaydeck;
  browser: Browser;
  /** This test's context and page (new for every test). */
  context: BrowserContext;
  page: Page;
  app: AppPage;
  watched: PageProblems;
}

export function useAppSession(opts: { permissions?: string[] } = {}): AppSession {
  const s = {} as AppSession;
  beforeAll(async () => {
    s.raydeck = await startRaydeckUi();
    s.browser = await launchChromium();
  });
  afterAll(async () => {
    await s.browser?.close();
    await s.raydeck?.stop();
  });
  beforeEach(async () => {
    s.context = await s.browser.newContext({
      viewport: { width: 1280, height: 800 },
      colorScheme: 'dark',
    });
    if (opts.permissions)
      await s.context.grantPermissions(opts.permissions, { origin: s.raydeck.origin });
    s.page = await s.context.newPage();
    s.watched = watchProblems(s.page);
    s.app = new AppPage(s.page);
  });
  // Registered first, so it runs after a file's own afterEach (hooks unwind like a stack).
  afterEach(async () => {
    await s.context.close();
    expect(s.watched.problems).toEqual([]);
  });
  return s;
}
