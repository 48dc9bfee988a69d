/**
 * The Nodes page in Chromium against the real testbed (browser mode, real sshd nodes): import
 * the testbed JSON, trust each host key on first use after comparing fingerprints, run preflight,
 * face a regenerated host key (hard stop, explicit accept), and watch a cut link go stale and
 * come back. Fails on any console error or failed request.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from '../pages/app-page';
import { NodesPage } from '../pages/nodes-page';
import { TerminalPage } from '../pages/terminal-page';
import { startRaydeckUi, type RunningRaydeck } from '../support/browser-mode';
import { launchChromium, watchProblems, type PageProblems } from '../support/chromium';
import { fault, heal, onNode, testbedInfo } from '../support/testbed';

let raydeck: RunningRaydeck;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let app: AppPage;
let nodes: NodesPage;
let watched: PageProblems;
let fakeHome: string;

/** The app's default keepalive (5 s x 3 unanswered) plus a margin for the check itself. */
const KEEPALIVE_WINDOW_MS = 25_000;

beforeAll(async () => {
  fakeHome = fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-user-'));
  raydeck = await startRaydeckUi({ HOME: fakeHome });
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1320, height: 860 } });
  page = await context.newPage();
  watched = watchProblems(page);
  app = new AppPage(page);
  nodes = new NodesPage(page);
  await page.goto(raydeck.url);
  await app.waitUntilConnected();
});
afterAll(async () => {
  await browser?.close();
  await raydeck?.stop();
  fs.rmSync(fakeHome, { recursive: true, force: true });
});

describe('Nodes page against the testbed', () => {
  it('imports the testbed, trusts each key after comparing fingerprints, and connects', async () => {
    await app.addCluster('testbed');
    await app.clusterCards().first().getByRole('button', { name: 'Add nodes' }).click();
    const dialog = await nodes.importTestbedFile(process.env.RAYDECK_TESTBED_JSON!);
    await expect(dialog.getByTestId('import-candidate').count()).resolves.toBe(3);
    await dialog.getByRole('button', { name: 'Import 3 nodes' }).click();
    await dialog.getByTestId('import-result').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Connect all' }).click();
    const tb = testbedInfo();
    for (const n of tb.nodes) {
      await page
        .locator(
          `[data-testid="node-row"][data-node="${n.name}"] [data-failure="host-key-unknown"]`,
        )
        .waitFor();
      await nodes.row(n.name).getByRole('button', { name: 'Review host key' }).click();
      const trust = nodes.trustDialog();
      await expect(trust.getByTestId('presented-fingerprint').textContent()).resolves.toBe(
        n.hostKeyFingerprints[0],
      );
      await expect(trust.getByTestId('vouched-match').textContent()).resolves.toContain('matches');
      await trust.getByTestId('trust-button').click();
      await nodes.waitForState(n.name, 'ready');
    }
  });

  it('runs preflight with a progress bar and shows a checklist per node, none failing', async () => {
    await page.getByRole('button', { name: 'Run checks' }).click();
    await expect.poll(() => nodes.preflightCards().count(), { timeout: 60_000 }).toBe(3);
    for (const card of await nodes.preflightCards().all()) {
      expect(await card.getAttribute('data-worst')).not.toBe('fail');
    }
    const bar = page.getByRole('progressbar', { name: 'Preflight progress' });
    await expect.poll(() => bar.getAttribute('aria-valuenow'), { timeout: 10_000 }).toBe('100');
    await page.waitForTimeout(400); // the bar's width transition (0.3 s), for the screenshot
    await page.screenshot({
      path: path.resolve(__dirname, '..', '..', 'docs', 'nodes.png'),
      fullPage: true,
    });
  });

  it('opens a shell on node2 from the Terminal page: hostname shows the node, Ctrl+C stops a flood', async () => {
    const term = new TerminalPage(page);
    await app.nav('terminal').click();
    await page.getByRole('combobox', { name: 'New shell on node' }).selectOption({
      label: `node2 (root@${testbedInfo().nodes.find((n) => n.name === 'node2')!.host})`,
    });
    await term.tabs.first().waitFor();
    await term.activePane.locator('.xterm-rows').waitFor();
    await term.waitForText(/[$#>%]\s*$/, 20_000);
    const expected = onNode(
      testbedInfo().nodes.find((n) => n.name === 'node2')!,
      'hostname',
    ).trim();
    await term.run('echo "host=$(hostname)"');
    await term.waitForText(`host=${expected}`);
    expect(expected).toContain('node2');
    await term.run('yes');
    await term.waitForText(/y\s+y\s+y/);
    await page.waitForTimeout(2000);
    await term.activePane.locator('.xterm-helper-textarea').focus();
    await page.keyboard.press('Control+C');
    await term.run('clear');
    await term.run('echo back-$((40+2))');
    await term.waitForText('back-42', 20_000);
    await page
      .getByRole('button', { name: /^Close / })
      .first()
      .click();
    await app.nav('nodes').click();
  });

  it('stops hard when node3 comes back with a new host key; accepting names the new fingerprint', async () => {
    // The machine is "reinstalled": its key changes and its connection drops. The automatic
    // reconnect meets the new key and stops; nothing connects until the user accepts it.
    fault('hostkey', 'node3');
    try {
      fault('link', 'node3');
      try {
        await nodes.waitForState('node3', 'stale', KEEPALIVE_WINDOW_MS);
      } finally {
        heal('link', 'node3');
      }
      await page
        .locator('[data-testid="node-row"][data-node="node3"] [data-failure="host-key-changed"]')
        .waitFor({ timeout: 40_000 });
      await nodes.row('node3').getByRole('button', { name: 'Review changed key' }).click();
      const dialog = nodes.trustDialog();
      await dialog.getByText('CHANGED', { exact: false }).first().waitFor();
      const accept = dialog.getByTestId('trust-button');
      expect(await accept.isDisabled()).toBe(true);
      const fresh = await dialog.getByTestId('presented-fingerprint').textContent();
      expect(fresh).toMatch(/^SHA256:/);
      expect(fresh).not.toBe(
        testbedInfo().nodes.find((n) => n.name === 'node3')!.hostKeyFingerprints[0],
      );
      expect(await accept.textContent()).toContain(fresh!.slice(0, 19));
      await dialog.getByRole('checkbox').check();
      await accept.click();
      await nodes.waitForState('node3', 'ready');
    } finally {
      heal('hostkey', 'node3');
    }
  });

  it('shows a node with a cut link as stale and reconnects without user action', async () => {
    fault('link', 'node2');
    try {
      await nodes.waitForState('node2', 'stale', KEEPALIVE_WINDOW_MS);
      await nodes.waitForState('node1', 'ready', 1000);
    } finally {
      heal('link', 'node2');
    }
    await nodes.waitForState('node2', 'ready', 40_000);
    expect(watched.problems).toEqual([]);
  });
});

describe('Nodes page: an ~/.ssh/config with a ProxyJump host, trusted hop by hop (a fresh Raydeck)', () => {
  let second: RunningRaydeck;
  let page2: Page;
  let home2: string;

  beforeAll(async () => {
    home2 = fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-user-'));
    second = await startRaydeckUi({ HOME: home2 });
    page2 = await (await browser.newContext({ viewport: { width: 1320, height: 860 } })).newPage();
    await page2.goto(second.url);
    await new AppPage(page2).waitUntilConnected();
  });
  afterAll(async () => {
    await second?.stop();
    fs.rmSync(home2, { recursive: true, force: true });
  });

  it('imports node1 as the jump host and node2, node3 behind it; trusts node1 first, then each node through it; preflight has no failure', async () => {
    const app2 = new AppPage(page2);
    const nodes2 = new NodesPage(page2);
    const tb = testbedInfo();
    const entry = (n: (typeof tb.nodes)[number], jump: string | null) =>
      [
        `Host ${n.name}`,
        `  HostName ${n.host}`,
        `  Port ${n.port}`,
        '  User root',
        `  IdentityFile ${n.identityFile}`,
        ...(jump ? [`  ProxyJump ${jump}`] : []),
      ].join('\n');
    const config = [
      entry(tb.nodes[0]!, null),
      entry(tb.nodes[1]!, 'node1'),
      entry(tb.nodes[2]!, 'node1'),
    ].join('\n\n');

    await app2.addCluster('via-jump');
    await app2.clusterCards().first().getByRole('button', { name: 'Add nodes' }).click();
    await page2
      .getByRole('button', { name: /^Import/ })
      .first()
      .click();
    const dialog = page2.getByRole('dialog', { name: 'Import nodes' });
    await dialog.getByRole('tab', { name: 'SSH config' }).click();
    await dialog.getByLabel('Paste').check();
    await dialog.getByRole('textbox', { name: 'SSH config' }).fill(config);
    await dialog.getByRole('button', { name: 'Preview' }).click();
    await expect.poll(() => dialog.getByTestId('import-candidate').count()).toBe(3);
    await dialog.getByRole('button', { name: /^Import \d+ nodes?$/ }).click();
    await dialog.getByTestId('import-result').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    expect(await nodes2.row('node1').innerText()).toMatch(/jump/i);

    await page2.getByRole('button', { name: 'Connect all' }).click();
    // The jump host first: nodes behind it cannot even be probed before it is trusted.
    for (const name of ['node1', 'node2', 'node3']) {
      // A node behind the jump host failed while the jump host was untrusted: Retry it (bounded).
      const review = nodes2.row(name).getByRole('button', { name: 'Review host key' });
      const retry = nodes2.row(name).getByRole('button', { name: `Connect ${name}` });
      const end = Date.now() + 60_000;
      while (!(await review.isVisible())) {
        if (Date.now() > end)
          throw new Error(
            `${name}: no host key to review; row: ${await nodes2.row(name).innerText()}`,
          );
        if (
          (await retry.isVisible()) &&
          (await retry.isEnabled({ timeout: 500 }).catch(() => false))
        )
          await retry.click({ timeout: 2000 }).catch(() => {});
        await page2.waitForTimeout(500);
      }
      await review.click();
      const trust = nodes2.trustDialog();
      await expect(trust.getByTestId('presented-fingerprint').textContent()).resolves.toBe(
        tb.nodes.find((n) => n.name === name)!.hostKeyFingerprints[0],
      );
      await trust.getByTestId('trust-button').click();
      await nodes2.waitForState(name, 'ready');
    }
    await page2.getByRole('button', { name: 'Run checks' }).click();
    await expect.poll(() => nodes2.preflightCards().count(), { timeout: 60_000 }).toBe(2);
    for (const card of await nodes2.preflightCards().all())
      expect(await card.getAttribute('data-worst')).not.toBe('fail');
  });
});
