/**
 * The Monitor page in Chromium against a real 3-node testbed cluster (issue 18): Ray brought up
 * by the core (Ray only, from the testbed's index), then the app (`raydeck ui`, same home) shows
 * every node's GPUs live from the one streaming `nvidia-smi -lms` per node — the GPU stand-in,
 * the only stand-in here — and the stand-in's faults as what they are, never as 0: a field the
 * driver does not support reads "no value", a GPU that disappears is LOST (total, tooltip,
 * timeline, alert), a hot GPU is HOT (total, tooltip, alert). `raydeck monitor --once --json`
 * gives the same facts with nulls. docs/monitor.png is taken here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type ClusterNode, type RaydeckClient } from '../../shared';
import { createCore, type Core } from '../../core/api/create-core';
import { makeTempHome } from '../../core/testing/temp-home';
import { createMemoryTransport } from '../../core/transport/memory-transport';
import { AppPage } from '../pages/app-page';
import { MonitorPage } from '../pages/monitor-page';
import { startRaydeckUi, type RunningRaydeck } from '../support/browser-mode';
import { launchChromium, watchProblems, type PageProblems } from '../support/chromium';
import { raydeck as runCli } from '../support/cli-process';
import { ROOT, fault, heal, resetTestbed, type TestbedInfo } from '../support/testbed';
import { bringUp, importTestbedCluster } from '../support/testbed-cluster';

let home: { home: string; cleanup(): void };
let core: Core;
let client: RaydeckClient;
let nodes: ClusterNode[];
let tb: TestbedInfo;
let raydeck: RunningRaydeck;
let browser: Browser;
let page: Page;
let monitor: MonitorPage;
let watched: PageProblems;
let userHome: string;

const id = (name: string) => nodes.find((n) => n.name === name)!.id;

beforeAll(async () => {
  tb = resetTestbed();
  home = makeTempHome();
  core = createCore({ home: home.home, mode: 'memory', userKnownHosts: [] });
  client = createClient(createMemoryTransport(core.service));
  let clusterId: string;
  ({ clusterId, nodes } = await importTestbedCluster(client, tb, 'fleet'));
  const up = await bringUp(client, clusterId, {
    source: { kind: 'index', url: tb.index },
    withVllm: false,
  });
  expect(up.state).toBe('succeeded');
  userHome = fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-user-'));
  raydeck = await startRaydeckUi({ HOME: userHome, RAYDECK_HOME: home.home });
  browser = await launchChromium();
  page = await (await browser.newContext({ viewport: { width: 1320, height: 900 } })).newPage();
  watched = watchProblems(page);
  monitor = new MonitorPage(page);
  await page.goto(raydeck.url);
  await new AppPage(page).waitUntilConnected();
}, 720_000);

afterAll(async () => {
  for (const [kind, node] of [
    ['gpu-unsupported', 'node2'],
    ['gpu-lost', 'node3'],
    ['gpu-hot', 'node1'],
  ] as const)
    heal(kind, node);
  await browser?.close();
  await raydeck?.stop();
  client?.close();
  core?.dispose();
  home?.cleanup();
  if (userHome) fs.rmSync(userHome, { recursive: true, force: true });
}, 120_000);

describe('Monitor page against the testbed cluster', () => {
  it("shows every node's GPUs live from the streaming nvidia-smi", async () => {
    await monitor.openCluster('fleet');
    const tip = await monitor.waitFor(
      () => monitor.gpuTooltip(id('node1'), 0),
      (t) => /Utilization \d/.test(t),
      30_000,
    );
    expect(tip).toMatch(/Power \d/);
    expect(tip).not.toMatch(/no value|LOST|HOT/);
    // Those totals show only when they count something.
    expect([null, '0']).toContain(await monitor.total('gpus-lost'));
    expect([null, '0']).toContain(await monitor.total('gpus-no-value'));
  }, 120_000);

  it('the stand-in\'s faults read as such, never 0: an unsupported field "no value", a lost GPU LOST, a hot GPU HOT', async () => {
    fault('gpu-unsupported', 'node2');
    fault('gpu-lost', 'node3');
    fault('gpu-hot', 'node1');
    await monitor.waitFor(
      () => monitor.gpuTooltip(id('node2'), 0),
      (t) => /Power no value/.test(t),
      30_000,
    );
    expect(await monitor.gpuTooltip(id('node2'), 0)).toMatch(/Utilization \d/);
    await monitor.waitFor(
      () => monitor.total('gpus-lost'),
      (v) => v === '1',
      30_000,
    );
    expect(await monitor.gpuTooltip(id('node3'), 1)).toContain('LOST');
    await monitor.waitFor(
      () => monitor.total('gpus-hot'),
      (v) => v === '1',
      30_000,
    );
    expect(await monitor.gpuTooltip(id('node1'), 0)).toContain('HOT');
    await page.screenshot({ path: path.join(ROOT, 'docs', 'monitor.png'), fullPage: true });
    const kinds = (await monitor.alerts()).map((a) => a.kind);
    expect(kinds).toEqual(expect.arrayContaining(['gpu-lost', 'gpu-hot']));
    expect((await monitor.timeline()).map((e) => e.kind)).toContain('gpu-lost');
    expect(watched.problems).toEqual([]);
  }, 120_000);

  it('raydeck monitor --once --json: the same facts, nulls for what is missing', async () => {
    const out = await runCli({ raydeckHome: home.home, home: userHome }, [
      'monitor',
      'fleet',
      '--once',
      '--json',
    ]);
    expect(out.code, out.stderr).toBe(0);
    const snap = JSON.parse(out.stdout) as {
      gpus: { nodeId: string; index: number; powerW: number | null; lost: boolean; hot: boolean }[];
    };
    const gpu = (node: string, index: number) =>
      snap.gpus.find((g) => g.nodeId === id(node) && g.index === index);
    expect(gpu('node2', 0)?.powerW).toBeNull();
    expect(gpu('node1', 0)?.hot).toBe(true);
    expect(gpu('node1', 1)?.powerW).toEqual(expect.any(Number));
  }, 120_000);
});
