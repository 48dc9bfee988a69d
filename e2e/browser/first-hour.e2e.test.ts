/**
 * Issue 19 ("the first hour") in real Chromium against the real core in browser mode, at the
 * sizes a laptop gives: the Add-node dialog's buttons stay on screen, the import preview's
 * fingerprints do not push the dialog wider than itself, connection badges stay on one line.
 */
import type { Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AppPage } from '../pages/app-page';
import { useAppSession } from '../support/app-session';
import type { RunningRaydeck } from '../support/browser-mode';

const session = useAppSession();
let raydeck: RunningRaydeck;
let page: Page;
let app: AppPage;
beforeEach(() => ({ raydeck, page, app } = session));

const fp = (c: string) => `SHA256:${c.repeat(43)}`;
const testbed = JSON.stringify({
  nodes: ['node1', 'node2', 'node3'].map((name, i) => ({
    name,
    host: `198.51.100.${11 + i}`,
    port: 22,
    user: 'root',
    identityFile: '/var/lib/raydeck-testbed/client/id_ed25519',
    hostKeyFingerprints: [fp(String.fromCharCode(65 + i))],
    gpus: 2,
  })),
  index: 'http://198.51.100.1:8765/simple',
});

/** One Raydeck serves the whole file: each test adds its own cluster and opens its (empty) Nodes page. */
async function openNodesOfNewCluster(name: string) {
  await page.goto(raydeck.url);
  await app.waitUntilConnected();
  await app.addCluster(name);
  const card = app.clusterCards().filter({ hasText: name });
  await card.waitFor();
  await card.getByRole('button', { name: 'Add nodes' }).click();
  await page.getByTestId('nodes-empty').waitFor();
}

/**
 * Whether the whole element is on screen, not clipped by the scrolling dialog around it (a
 * button cut in half is "cut off"), and is what a click at its centre would hit.
 */
function wholeAndHittable(locator: ReturnType<Page['locator']>) {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    const frame = el.closest('[role="dialog"]')!.getBoundingClientRect();
    const inView =
      r.top >= 0 && r.bottom <= window.innerHeight && r.left >= 0 && r.right <= window.innerWidth;
    const inFrame = r.top >= frame.top && r.bottom <= frame.bottom;
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    return inView && inFrame && hit !== null && (hit === el || el.contains(hit));
  });
}

describe('the first hour, in Chromium', () => {
  it("keeps the Add-node dialog's buttons on screen in an 800 px window, even with the tallest form (password, the core's field errors)", async () => {
    // An 800 px tall window leaves about 720 px to the page under the browser's own bars.
    await page.setViewportSize({ width: 1280, height: 720 });
    await openNodesOfNewCluster('lab-add');
    await page.getByTestId('nodes-empty').getByRole('button', { name: 'Add node' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add node' });
    await dialog.getByRole('radio', { name: 'Password' }).check();
    await dialog.getByTestId('secret-storage-note').waitFor();
    const add = dialog.getByRole('button', { name: 'Add node' });
    const cancel = dialog.getByRole('button', { name: 'Cancel' });
    await add.click();
    await dialog.getByTestId('error-host').waitFor();
    // As a user sees it on opening: the dialog scrolled to its top (the click above scrolled it).
    await dialog.evaluate((el) => (el.scrollTop = 0));
    expect(await dialog.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
    expect(await wholeAndHittable(add)).toBe(true);
    expect(await wholeAndHittable(cancel)).toBe(true);

    // And it works from there: the node is added.
    await dialog.getByRole('textbox', { name: /^Name/ }).fill('gpu1');
    await dialog.getByRole('textbox', { name: /^Host/ }).fill('198.51.100.10');
    await dialog.getByRole('textbox', { name: /^User/ }).fill('root');
    await add.click();
    await page.locator('[data-testid="node-row"][data-node="gpu1"]').waitFor();
  });

  it('keeps connection badges on one line in a 1024 px wide window', async () => {
    await page.setViewportSize({ width: 1024, height: 720 });
    await openNodesOfNewCluster('lab-badges');
    await page
      .getByTestId('nodes-empty')
      .getByRole('button', { name: 'Import from ssh config or testbed' })
      .click();
    const dialog = page.getByRole('dialog', { name: 'Import nodes' });
    await dialog.getByRole('tab', { name: 'Testbed JSON' }).click();
    await dialog.getByRole('radio', { name: /Paste/ }).check();
    await dialog.getByRole('textbox', { name: 'Testbed JSON' }).fill(testbed);
    await dialog.getByRole('button', { name: 'Preview' }).click();
    await dialog.getByRole('button', { name: 'Import 3 nodes' }).click();
    await dialog.getByTestId('import-result').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    const badges = page.getByTestId('conn-badge');
    await expect.poll(() => badges.count()).toBe(3);
    for (const badge of await badges.all())
      expect(await badge.evaluate((el) => el.getClientRects().length)).toBe(1);
  });

  it("shows the import's fingerprints inside the dialog, with no sideways scrolling", async () => {
    await openNodesOfNewCluster('lab-import');
    await page
      .getByTestId('nodes-empty')
      .getByRole('button', { name: 'Import from ssh config or testbed' })
      .click();
    const dialog = page.getByRole('dialog', { name: 'Import nodes' });
    await dialog.getByRole('tab', { name: 'Testbed JSON' }).click();
    await dialog.getByRole('radio', { name: /Paste/ }).check();
    await dialog.getByRole('textbox', { name: 'Testbed JSON' }).fill(testbed);
    await dialog.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => dialog.getByTestId('import-candidate').count()).toBe(3);
    await expect(dialog.getByTestId('import-candidate').first().textContent()).resolves.toContain(
      fp('A'),
    );
    const overflow = await dialog.evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    const table = await dialog.getByRole('table', { name: 'Hosts found' }).boundingBox();
    const box = await dialog.boundingBox();
    expect(table!.x + table!.width).toBeLessThanOrEqual(box!.x + box!.width);
  });
});
