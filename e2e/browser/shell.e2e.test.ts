/**
 * The shell in real Chromium against the real core in browser mode: token handshake, first
 * screen, adding clusters (a hostile name refused with the core's message), keyboard navigation,
 * themes surviving a reload, a live operation, and the README screenshot. Any console error or
 * failed request fails the test. The tests share one core process (one per file) and each runs
 * alone too: the first expects the empty list it gets when it runs first or alone.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AppPage } from '../pages/app-page';
import { useAppSession } from '../support/app-session';
import type { RunningRaydeck } from '../support/browser-mode';

const SCREENSHOT = path.resolve(__dirname, '..', '..', 'docs', 'screenshot.png');

const session = useAppSession();
let raydeck: RunningRaydeck;
let browser: Browser;
let page: Page;
let app: AppPage;
beforeEach(() => ({ raydeck, browser, page, app } = session));

describe('browser mode in Chromium', () => {
  it('opens from the printed URL, drops the token from the address bar, and shows the empty clusters list', async () => {
    await page.goto(raydeck.url);
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);
    await app.waitUntilConnected();
    await expect(app.pageTitle.textContent()).resolves.toBe('Clusters');
    await page.getByTestId('clusters-empty').waitFor();
    await expect(
      page.getByTestId('clusters-empty').getByRole('button', { name: 'Add cluster' }).isVisible(),
    ).resolves.toBe(true);
    for (const id of ['clusters', 'nodes', 'bringup', 'pipeline', 'serve', 'monitor', 'terminal']) {
      await expect(app.nav(id).isVisible(), id).resolves.toBe(true);
    }
  });

  it('adds clusters; a hostile name is refused with the field message and nothing is created', async () => {
    await page.goto(raydeck.url);
    await app.waitUntilConnected();
    const dialog = await app.addCluster('lab; rm -rf /');
    await expect
      .poll(() => dialog.getByTestId('cluster-name-error').textContent())
      .toMatch(/^Name may contain only letters, digits/);
    await dialog.getByRole('textbox', { name: 'Name' }).fill('gpu-lab');
    await dialog.getByRole('button', { name: 'Add cluster' }).click();
    await app.clusterCards().first().waitFor();
    await app.addCluster('inference-prod');
    await expect.poll(() => app.clusterCards().count()).toBe(2);
    const inventory = JSON.parse(
      fs.readFileSync(path.join(raydeck.home, 'inventory.json'), 'utf8'),
    );
    expect(inventory.clusters.map((c: { name: string }) => c.name)).toEqual([
      'gpu-lab',
      'inference-prod',
    ]);
  });

  it('navigates by keyboard: g-shortcuts, arrow keys in the sidebar, ? for help', async () => {
    await page.goto(raydeck.url);
    await app.waitUntilConnected();
    await page.keyboard.press('g');
    await page.keyboard.press('s');
    await page.getByTestId('serve-page').waitFor();
    expect(new URL(page.url()).hash).toBe('#/serve');
    await app.nav('serve').focus();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.getByTestId('monitor-page').waitFor();
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);
  });

  it('switches to the light theme and keeps theme and page across a reload', async () => {
    await page.goto(raydeck.url);
    await app.waitUntilConnected();
    expect(await app.theme()).toBe('dark');
    await app.nav('activity').click();
    await page.getByTestId('theme-toggle').click();
    expect(await app.theme()).toBe('light');
    await page.reload();
    await app.waitUntilConnected();
    expect(await app.theme()).toBe('light');
    await expect(app.pageTitle.textContent()).resolves.toBe('Activity');
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(246, 247, 250)');
  });

  it('runs a long operation with a live progress bar and log', async () => {
    await page.goto(raydeck.url);
    await app.waitUntilConnected();
    await app.nav('activity').click();
    await page.getByRole('button', { name: 'Check this machine' }).click();
    await page.locator('[data-testid="operation"][data-state="succeeded"]').first().waitFor();
    await expect(
      page
        .getByRole('progressbar', { name: 'Check this machine' })
        .first()
        .getAttribute('aria-valuenow'),
    ).resolves.toBe('100');
    await expect
      .poll(() => page.getByTestId('operation-log').textContent())
      .toContain('PASS State folder writable');
    await page.getByTestId('local-checks').waitFor();
  });

  it('saves the README screenshot: the clusters page with both cards, dark theme, whole viewport', async () => {
    await page.goto(raydeck.url);
    await app.waitUntilConnected();
    // The file's tests share one core: the clusters are there when "adds clusters" ran first;
    // alone, this test adds them itself.
    for (const name of ['gpu-lab', 'inference-prod']) {
      await page.getByTestId('clusters-empty').or(app.clusterCards().first()).waitFor();
      if (!(await app.clusterCards().filter({ hasText: name }).count())) {
        await app.addCluster(name);
        await app.clusterCards().filter({ hasText: name }).waitFor();
      }
    }
    await expect.poll(() => app.clusterCards().count()).toBe(2);
    expect(await app.clusterCards().allInnerTexts()).toEqual([
      expect.stringContaining('gpu-lab'),
      expect.stringContaining('inference-prod'),
    ]);
    expect(await app.theme()).toBe('dark');
    fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    const png = await page.screenshot({ path: SCREENSHOT });
    // The PNG's own header (IHDR: width and height at bytes 16-23) is the viewport's size.
    const viewport = page.viewportSize()!;
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([viewport.width, viewport.height]);
    // Dark theme: the page background the screenshot shows is dark.
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = (bg.match(/\d+/g) ?? []).map(Number);
    expect((r! + g! + b!) / 3, bg).toBeLessThan(80);
    expect(fs.readFileSync(SCREENSHOT).equals(png)).toBe(true);
  });
});

describe('browser mode refuses strangers', () => {
  it('answers 401 without the token and 403 for a foreign Host', async () => {
    const anon = await browser.newContext();
    const res = await anon.request.get(raydeck.origin + '/');
    expect(res.status()).toBe(401);
    const rebinding = await anon.request.get(raydeck.origin + '/', {
      headers: { host: 'rebind.attacker.test' },
    });
    expect(rebinding.status()).toBe(403);
    await anon.close();
  });
});
