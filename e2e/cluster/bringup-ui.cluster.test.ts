/**
 * The Bring-up page in Chromium against bare testbed nodes (browser mode, real sshd, real Ray):
 * nodes imported and trusted on the Nodes page, the plan reviewed, then 3 nodes brought up from
 * the testbed's index while node3 cannot reach it — node3 fails with pip's error and a hint, the
 * others finish, the run survives a page reload, and "Retry node3" completes the cluster:
 * 3 nodes and 6 GPUs verified. Screenshot for the README. Fails on any console error.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppPage } from '../pages/app-page';
import { BringupPage } from '../pages/bringup-page';
import { NodesPage } from '../pages/nodes-page';
import { startRaydeckUi, type RunningRaydeck } from '../support/browser-mode';
import { launchChromium, watchProblems, type PageProblems } from '../support/chromium';
import { fault, heal, resetTestbed, type TestbedInfo } from '../support/testbed';

let raydeck: RunningRaydeck;
let browser: Browser;
let page: Page;
let app: AppPage;
let bringup: BringupPage;
let watched: PageProblems;
let fakeHome: string;
let tb: TestbedInfo;

beforeAll(async () => {
  tb = resetTestbed();
  fakeHome = fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-user-'));
  raydeck = await startRaydeckUi({ HOME: fakeHome });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1320, height: 900 } })).newPage();
  watched = watchProblems(page);
  app = new AppPage(page);
  bringup = new BringupPage(page);
  await page.goto(raydeck.url);
  await app.waitUntilConnected();
}, 300_000);
afterAll(async () => {
  heal('index', 'node3');
  await browser?.close();
  await raydeck?.stop();
  fs.rmSync(fakeHome, { recursive: true, force: true });
  resetTestbed(); // the next files expect bare nodes (no Ray holding its ports)
}, 120_000);

describe('Bring-up page against bare testbed nodes', () => {
  it('imports and trusts the three nodes', async () => {
    const nodes = new NodesPage(page);
    await app.addCluster('lab');
    await app.clusterCards().first().getByRole('button', { name: 'Add nodes' }).click();
    const dialog = await nodes.importTestbedFile(process.env.RAYDECK_TESTBED_JSON!);
    await dialog.getByRole('button', { name: 'Import 3 nodes' }).click();
    await dialog.getByTestId('import-result').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Connect all' }).click();
    for (const n of tb.nodes) {
      await nodes.row(n.name).getByRole('button', { name: 'Review host key' }).click();
      await nodes.trustDialog().getByTestId('trust-button').click();
      await nodes.waitForState(n.name, 'ready');
    }
  });

  it("shows the plan, then brings node1 and node2 up while node3 fails with pip's error and a hint", async () => {
    fault('index', 'node3');
    await bringup.open();
    await bringup.chooseSource({ kind: 'index', url: tb.index });
    await bringup.setVllm(false);
    const plan = await bringup.reviewPlan();
    expect(await plan.innerText()).toMatch(
      /node1[\s\S]*Start Ray head[\s\S]*node2[\s\S]*Join the head/,
    );
    await bringup.start();
    await bringup.waitForStep('node1', 'install', 'running', 60_000);

    // A reload in the middle: the run is still there and still moving.
    await page.reload();
    await app.waitUntilConnected();
    await bringup.open();
    await bringup.waitForStep('node3', 'install', 'failed', 180_000);
    // The form shows what the run was started with, not the defaults.
    expect(await bringup.shownOptions()).toEqual({
      source: { kind: 'index', url: tb.index },
      withVllm: false,
    });
    const failed = bringup.step('node3', 'install');
    expect(await failed.getByTestId('step-error').innerText()).toMatch(/Install failed/);
    expect(await failed.innerText()).toContain(tb.index);
    expect(await bringup.logText('node3', 'install')).toMatch(/ERROR|No route to host|Could not/);
    await bringup.waitForStep('node2', 'join', 'done', 180_000);
    await bringup.waitForStep('node1', 'verify', 'done', 120_000);
    await expect.poll(() => bringup.runState(), { timeout: 30_000 }).toBe('failed');
  });

  it('retries node3 once its index is back and verifies 3 nodes and 6 GPUs', async () => {
    heal('index', 'node3');
    await bringup.retryNode('node3');
    await bringup.waitForStep('node3', 'join', 'done', 240_000);
    expect(await bringup.summary(120_000)).toMatch(/3 nodes, 6 GPUs, Ray 2\.60\.0 verified/);
    // The cluster panel refreshes after the run ends; bars finish their transition.
    await expect
      .poll(() => bringup.clusterPanel.innerText(), { timeout: 30_000 })
      .toContain('3 of 3 nodes alive');
    await page.waitForTimeout(600);
    await page.screenshot({
      path: path.resolve(__dirname, '..', '..', 'docs', 'bringup.png'),
      fullPage: true,
    });
    expect(watched.problems).toEqual([]);
  });

  it("opens Ray's own dashboard from the cluster panel, through the head's SSH connection, token kept in the core", async () => {
    const link = bringup.clusterPanel.getByTestId('ray-dashboard-link');
    await link.waitFor({ timeout: 30_000 });
    const href = (await link.getAttribute('href'))!;
    expect(href).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?raydeck-key=/);
    const [dash] = await Promise.all([page.context().waitForEvent('page'), link.click()]);
    await dash.waitForLoadState('domcontentloaded');
    expect(new URL(dash.url()).search).toBe(''); // the key became a cookie
    await expect.poll(() => dash.title(), { timeout: 30_000 }).toMatch(/Ray/);
    // Ray's API through the same proxy, as the dashboard's own page calls it (the Ray token added by the core).
    const nodes = await dash.evaluate(async () => (await fetch('/api/v0/nodes?limit=10')).json());
    expect(JSON.stringify(nodes)).toContain('ALIVE');
    const version = await dash.evaluate(async () => (await fetch('/api/version')).json());
    expect(version).toMatchObject({ ray_version: '2.60.0' });
    await dash.waitForTimeout(1500);
    await dash.screenshot({ path: '/tmp/ray-dashboard.png' });
    // Without the key (another browser profile), nothing.
    const stranger = await (await browser.newContext()).newPage();
    const refused = await stranger.goto(new URL(href).origin + '/api/version');
    expect(refused?.status()).toBe(401);
    await dash.close();
    await stranger.context().close();
    expect(watched.problems).toEqual([]);
  });

  it('drains and removes node3 from the running cluster, then adds it back as a worker', async () => {
    await bringup.drainAndRemove('node3');
    await expect
      .poll(() => bringup.clusterPanel.innerText(), { timeout: 30_000 })
      .toContain('2 of 3 nodes alive'); // Ray keeps node3 listed as dead

    // Back on the Nodes page: import node3 again (the others are there already).
    const nodes = new NodesPage(page);
    await app.nav('nodes').click();
    const dialog = await nodes.importTestbedFile(process.env.RAYDECK_TESTBED_JSON!);
    await dialog.getByRole('button', { name: /^Import \d+ nodes?$/ }).click();
    await dialog.getByTestId('import-result').waitFor();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await nodes.row('node3').waitFor();

    await bringup.open();
    // Adding uses the options form, which still shows the run's options.
    expect(await bringup.shownOptions()).toEqual({
      source: { kind: 'index', url: tb.index },
      withVllm: false,
    });
    await bringup.addWorkers(['node3']).catch(async (err: unknown) => {
      await page.screenshot({ path: '/tmp/addworkers-fail.png', fullPage: true });
      throw err;
    });
    try {
      await bringup.waitForStep('node3', 'join', 'done', 120_000);
      expect(await bringup.summary(60_000)).toMatch(/3 nodes, 6 GPUs, Ray 2\.60\.0 verified/);
    } catch (err) {
      await page.screenshot({ path: '/tmp/addworkers-fail.png', fullPage: true });
      throw err;
    }
    expect(watched.problems).toEqual([]);
  }, 300_000);
});
