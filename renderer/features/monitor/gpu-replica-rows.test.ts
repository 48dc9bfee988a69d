/** GPU -> replica -> queue rows: replicas found by GPU id or by a process on the GPU (the actor or one under it), replicas Ray gave GPUs with no process on one yet, CPU and unplaced replicas, the fleet filter. */
import { describe, expect, it } from 'vitest';
import { gpuReplicaTable, MAX_GPU_ROWS, visibleGpuRows } from './gpu-replica-rows';
import { deployment, fleet, gpu, node, replica, snapshot } from './monitor-fixtures';

describe('GPU -> replica rows', () => {
  const s = snapshot({
    nodes: [node('n2', { name: 'gpu-2' }), node('n1', { name: 'gpu-1', role: 'head' })],
    gpus: [
      gpu('n1', 1, { processes: [{ pid: 7, usedMemoryMiB: 100, replicaId: 'r2' }] }),
      gpu('n1', 0),
      gpu('n2', 0),
    ],
    deployments: [deployment('app', 'LLM')],
    replicas: [
      replica('app', 'LLM', 'r1', { nodeId: 'n1', gpuIds: ['n1/0'] }),
      replica('app', 'LLM', 'r2', { nodeId: 'n1' }),
      replica('app', 'LLM', 'r3', { nodeId: 'n2' }),
      replica('app', 'LLM', 'r4', { state: 'STARTING' }),
    ],
  });

  it('puts each replica on its GPU (by GPU id or by a process naming it), with its deployment', () => {
    const t = gpuReplicaTable(s);
    const at = (gpuKey: string | null, node: string) =>
      t.rows
        .find((r) => (r.gpu?.key ?? null) === gpuKey && r.node.nodeId === node)!
        .replicas.map((x) => x.replica.replicaId);
    expect(t.rows.map((r) => [r.node.name, r.gpu?.index ?? null])).toEqual([
      ['gpu-1', 0],
      ['gpu-1', 1],
      ['gpu-2', 0],
      ['gpu-2', null],
    ]);
    expect(at('n1/0', 'n1')).toEqual(['r1']);
    expect(at('n1/1', 'n1')).toEqual(['r2']);
    expect(at('n2/0', 'n2')).toEqual([]);
    expect(at(null, 'n2')).toEqual(['r3']);
    expect(t.rows[0]!.replicas[0]!.deployment?.name).toBe('LLM');
    expect(t.unplaced.map((x) => x.replica.replicaId)).toEqual(['r4']);
  });

  it("a process under the replica's actor puts it on that GPU; GPU replicas with no process yet and CPU replicas get their own rows", () => {
    const t = gpuReplicaTable(
      snapshot({
        nodes: [node('n1', { name: 'gpu-1', role: 'head' })],
        gpus: [
          gpu('n1', 0, {
            processes: [{ pid: 4301, usedMemoryMiB: 20000, replicaId: 'r1', actorPid: 4279 }],
          }),
          gpu('n1', 1, { xid: 79 }),
        ],
        deployments: [
          deployment('app', 'LLM'), // { CPU: 1, GPU: 1 } per replica
          deployment('app', 'Ingress', { replicaResources: { CPU: 1 } }),
        ],
        replicas: [
          replica('app', 'LLM', 'r1', { nodeId: 'n1', pid: 4279 }),
          replica('app', 'LLM', 'r2', { nodeId: 'n1' }),
          replica('app', 'Ingress', 'i1', { nodeId: 'n1' }),
        ],
      }),
    );
    expect(
      t.rows.map((r) => [r.gpu?.key ?? r.noGpu, r.replicas.map((x) => x.replica.replicaId)]),
    ).toEqual([
      ['n1/0', ['r1']],
      ['n1/1', []],
      ['assigned', ['r2']],
      ['cpu', ['i1']],
    ]);
    expect(t.rows[0]!.replicas[0]!.processes).toEqual([
      { pid: 4301, usedMemoryMiB: 20000, replicaId: 'r1', actorPid: 4279 },
    ]);
    expect(t.rows[2]!.replicas[0]!.gpusFromRay).toBe(1);
    expect(t.rows[3]!.replicas[0]!.gpusFromRay).toBe(0);
  });

  it('on a fleet: idle GPUs hidden unless asked, lost, hot and Xid-flagged kept, filter by node, capped', () => {
    const f = fleet(64, 8);
    f.gpus[3] = { ...f.gpus[3]!, lost: true };
    f.gpus[5] = { ...f.gpus[5]!, xid: 13 };
    const t = gpuReplicaTable(f);
    expect(visibleGpuRows(t.rows, '', false)).toEqual({
      rows: [t.rows.find((r) => r.gpu?.lost)!, t.rows.find((r) => r.gpu?.xid === 13)!],
      total: 2,
    });
    const all = visibleGpuRows(t.rows, '', true);
    expect(all.total).toBe(512);
    expect(all.rows).toHaveLength(MAX_GPU_ROWS);
    expect(visibleGpuRows(t.rows, 'GPU-12', true).rows.map((r) => r.node.name)).toEqual(
      Array(8).fill('gpu-12'),
    );
  });
});
