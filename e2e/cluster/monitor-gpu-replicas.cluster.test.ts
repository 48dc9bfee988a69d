/**
 * GPU -> replica and Xid errors against a real 3-node testbed cluster (issue 18): Ray brought up
 * by the core, a real Serve deployment asking Ray for 1 GPU whose replica starts a child process
 * (as vLLM's EngineCore is started under the replica actor), and the monitor core over SSH. The
 * GPU stand-in's --query-compute-apps lists the child on the GPU Ray gave the replica (Ray puts
 * CUDA_VISIBLE_DEVICES in the actor's os.environ; the child inherits it), gpu-stream.sh sends
 * its parent chain, and the core puts the replica on that GPU. A second deployment runs its GPU
 * work in a Ray actor of the replica's placement group (how Serve LLM runs vLLM on GPUs): matched
 * through Ray's actor list. `testbed fault gpu-xid` writes
 * Xid 79 to the stand-in's kernel log: the GPU is flagged, a critical alert and a timeline event.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createClient,
  type ClusterNode,
  type MonitorSnapshot,
  type RaydeckClient,
} from '../../shared';
import { createCore, type Core } from '../../core/api/create-core';
import { makeTempHome } from '../../core/testing/temp-home';
import { createMemoryTransport } from '../../core/transport/memory-transport';
import { fault, onNode, resetTestbed, type TestbedInfo } from '../support/testbed';
import { bringUp, importTestbedCluster } from '../support/testbed-cluster';

// A GPU deployment whose replica starts a child the way vLLM starts its EngineCore (a new Python
// process inheriting the actor's environment); the child ends with its parent (PR_SET_PDEATHSIG).
const PROBE = `
import subprocess, sys
import ray
from ray import serve
from ray.util import get_current_placement_group
from ray.util.scheduling_strategies import PlacementGroupSchedulingStrategy

CHILD = "import ctypes, signal, time; ctypes.CDLL(None).prctl(1, signal.SIGTERM); time.sleep(3600)"

@serve.deployment(num_replicas=1, ray_actor_options={"num_cpus": 0.1, "num_gpus": 1})
class GpuProbe:
    def __init__(self):
        self.child = subprocess.Popen([sys.executable, "-c", CHILD])

    def __call__(self, request):
        return str(self.child.pid)

@ray.remote
class GpuWorker:
    def __init__(self):
        self.child = subprocess.Popen([sys.executable, "-c", CHILD])

    def child_pid(self):
        return self.child.pid

# As Ray Serve LLM runs vLLM on GPUs: the replica asks for no GPU; a worker actor in the
# replica's placement group does (vLLM's Ray executor).
@serve.deployment(
    num_replicas=1,
    ray_actor_options={"num_cpus": 0.1},
    placement_group_bundles=[{"CPU": 0.1}, {"CPU": 0.1, "GPU": 1}],
    placement_group_strategy="STRICT_PACK",
)
class GroupProbe:
    def __init__(self):
        self.worker = GpuWorker.options(
            num_cpus=0.1,
            num_gpus=1,
            scheduling_strategy=PlacementGroupSchedulingStrategy(
                placement_group=get_current_placement_group(), placement_group_bundle_index=1
            ),
        ).remote()
        self.child = ray.get(self.worker.child_pid.remote())

    def __call__(self, request):
        return str(self.child)

ray.init(address="auto", logging_level="ERROR")
serve.run(GpuProbe.bind(), name="gpu-probe", route_prefix="/gpu-probe", blocking=False)
serve.run(GroupProbe.bind(), name="gpu-probe-pg", route_prefix="/gpu-probe-pg", blocking=False)
print("deployed")
`;
const VENV_PY = '~/.raydeck/venv/bin/python';

let home: { home: string; cleanup(): void };
let core: Core;
let client: RaydeckClient;
let nodes: ClusterNode[];
let clusterId: string;
let tb: TestbedInfo;

const tbNode = (id: string) =>
  tb.nodes.find((t) => t.name === nodes.find((n) => n.id === id)!.name)!;

/** Polls the monitor's snapshot until `pick` returns a value (bounded). */
async function until<T>(pick: (s: MonitorSnapshot) => T | undefined, ms: number): Promise<T> {
  const end = Date.now() + ms;
  let last: MonitorSnapshot | null = null;
  while (Date.now() < end) {
    last = await client.call('monitor.snapshot', { clusterId });
    const v = pick(last);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(
    `not seen in ${ms} ms; replicas ${JSON.stringify(last?.replicas)}; gpus ${JSON.stringify(last?.gpus.map((g) => [g.key, g.processes, g.xid]))}; collectors ${JSON.stringify(last?.collectors)}`,
  );
}

beforeAll(async () => {
  tb = resetTestbed();
  home = makeTempHome();
  core = createCore({ home: home.home, mode: 'memory', userKnownHosts: [] });
  client = createClient(createMemoryTransport(core.service));
  ({ clusterId, nodes } = await importTestbedCluster(client, tb, 'gpu-map'));
  const up = await bringUp(client, clusterId, {
    source: { kind: 'index', url: tb.index },
    withVllm: false,
  });
  expect(up.state).toBe('succeeded');
  const head = tb.nodes.find((n) => n.name === 'node1')!;
  onNode(head, `printf %s ${Buffer.from(PROBE).toString('base64')} | base64 -d > ~/gpu_probe.py`);
  // Raydeck starts Ray with token auth: a driver on the head reads the token Raydeck keeps there.
  expect(
    onNode(
      head,
      `RAY_AUTH_MODE=token RAY_AUTH_TOKEN_PATH=$HOME/.raydeck/ray_auth_token ${VENV_PY} ~/gpu_probe.py`,
    ),
  ).toContain('deployed');
  await client.call('monitor.subscribe', { clusterId });
}, 900_000);

afterAll(async () => {
  const head = tb?.nodes.find((n) => n.name === 'node1');
  if (head)
    try {
      onNode(
        head,
        `RAY_AUTH_MODE=token RAY_AUTH_TOKEN_PATH=$HOME/.raydeck/ray_auth_token ${VENV_PY} -c 'import ray; from ray import serve; ray.init(address="auto", logging_level="ERROR"); serve.delete("gpu-probe")'`,
      );
    } catch {
      /* the next test resets the testbed anyway */
    }
  if (client && clusterId) await client.call('monitor.unsubscribe', { clusterId }).catch(() => {});
  client?.close();
  core?.dispose();
  home?.cleanup();
}, 120_000);

describe('GPU -> replica and Xid errors on the testbed', () => {
  let replica: MonitorSnapshot['replicas'][number];
  let gpuKey: string;

  it("puts the replica on the GPU its child process is on: the stand-in's compute apps, the child's parent chain, Ray's replica pid", async () => {
    ({ replica, gpuKey } = await until((s) => {
      const r = s.replicas.find((x) => x.app === 'gpu-probe' && x.state === 'RUNNING');
      return r && r.pid !== null && r.gpuIds.length === 1
        ? { replica: r, gpuKey: r.gpuIds[0]! }
        : undefined;
    }, 180_000));
    const snap = await client.call('monitor.snapshot', { clusterId });
    const gpu = snap.gpus.find((g) => g.key === gpuKey)!;
    const proc = gpu.processes.find((p) => p.replicaId === replica.replicaId)!;
    expect(proc.actorPid).toBe(replica.pid);
    expect(proc.pid).not.toBe(replica.pid); // the child, not the actor
    expect(proc.usedMemoryMiB).toBeGreaterThan(0);
    // On the node: the child's parent is the replica actor, and the child was started with
    // CUDA_VISIBLE_DEVICES naming that GPU, which the actor's own start environment lacks (Ray
    // sets it in os.environ, not visible in /proc/PID/environ).
    const n = tbNode(replica.nodeId!);
    expect(Number(onNode(n, `ps -o ppid= -p ${proc.pid}`).trim())).toBe(replica.pid);
    const cvd = (pid: number) =>
      onNode(
        n,
        `tr '\\0' '\\n' < /proc/${pid}/environ | sed -n 's/^CUDA_VISIBLE_DEVICES=//p'`,
      ).trim();
    expect(cvd(proc.pid)).toBe(String(gpu.index));
    expect(cvd(replica.pid!)).toBe('');
    // Its other GPU lists no process of it.
    const other = snap.gpus.find((g) => g.nodeId === replica.nodeId && g.key !== gpuKey)!;
    expect(other.processes.some((p) => p.replicaId === replica.replicaId)).toBe(false);
  }, 240_000);

  it("a worker actor of the replica's placement group (vLLM's Ray executor, as Serve LLM runs on GPUs) maps to the replica", async () => {
    const { r, gpu } = await until((s) => {
      const x = s.replicas.find((y) => y.app === 'gpu-probe-pg' && y.state === 'RUNNING');
      const g = x?.gpuIds.length === 1 ? s.gpus.find((y) => y.key === x.gpuIds[0]) : undefined;
      return x && g ? { r: x, gpu: g } : undefined;
    }, 180_000);
    expect(r.gpusFromRay).toBe(1); // the group's worker asked for it; the replica's actor asked for none
    const proc = gpu.processes.find((p) => p.replicaId === r.replicaId)!;
    expect(proc.actorPid).toBeNull(); // no replica actor above it: matched by placement group
    const n = tbNode(r.nodeId!);
    const ppid = (pid: number) => Number(onNode(n, `ps -o ppid= -p ${pid}`).trim());
    const worker = ppid(proc.pid);
    expect(worker).not.toBe(r.pid);
    expect(ppid(worker)).not.toBe(r.pid); // the worker actor is the raylet's child, not the replica's
  }, 240_000);

  it('an Xid 79 in the stand-in kernel log: that GPU flagged, a critical alert, a timeline event', async () => {
    const nodeName = tbNode(replica.nodeId!).name;
    fault('gpu-xid', nodeName); // GPU 0, Xid 79
    const key = `${replica.nodeId}/0`;
    const gpu = await until((s) => {
      const g = s.gpus.find((x) => x.key === key);
      return g?.xid === 79 ? g : undefined;
    }, 60_000);
    expect(gpu.xidMessage).toMatch(/^Xid 79 \(GPU has fallen off the bus\)/);
    expect(Math.abs(gpu.xidAt! - Date.now())).toBeLessThan(60_000);
    const snap = await client.call('monitor.snapshot', { clusterId });
    expect(snap.alerts.find((a) => a.kind === 'gpu-xid' && a.subject === key)?.severity).toBe(
      'critical',
    );
    expect(snap.events.find((e) => e.kind === 'gpu-xid' && e.subject === key)?.severity).toBe(
      'critical',
    );
    expect(snap.collectors.find((c) => c.key === `gpu-xid:${replica.nodeId}`)?.state).toBe(
      'running',
    );
  }, 120_000);
});
