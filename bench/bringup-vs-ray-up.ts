/**
 * Benchmark: Raydeck's bring-up (`raydeck cluster up`) against Ray's own on-prem launcher
 * (`ray up`, provider `local`) on the 3-node testbed (scripts/testbed), each from bare nodes,
 * each installing ray[serve] at Raydeck's pin (RAY_VERSION) from the same testbed package
 * index, each timed until the same thing is true: 3 nodes ALIVE in Ray with 2 GPUs each (6 in
 * all).
 *
 * One run: ensure a local virtualenv for the `ray` CLI (.cache/bench-venv, from the testbed's
 * wheelhouse); reset the testbed; Raydeck (import, trust by fingerprint, then the timed
 * `cluster up`, checked with `cluster status`); reset the testbed; `ray up -y` (timed until it
 * returns and, polling the head's state API every 2 s, until the cluster is ready); `ray down`,
 * reset the testbed to bare nodes, write bench/results/bringup-<timestamp>.json and print a table.
 * `--runs N` repeats the pair (Raydeck, then ray up) N times and reports the median ratio;
 * `--ray-up-same-pip` gives ray up's pip Raydeck's flags (a tuned baseline).
 *
 * The whole run holds /tmp/raydeck-testbed.lock (the testbed is shared with the cluster test
 * suite, which holds it for its run too): e2e/support/testbed-lock.ts. See bench/README.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RAY_VERSION } from '../shared';
import type { TestbedInfo, TestbedNode } from '../e2e/support/testbed';
import { holdTestbedLock } from '../e2e/support/testbed-lock';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TESTBED = path.join(ROOT, 'scripts', 'testbed', 'testbed');
const RAYDECK = path.join(ROOT, 'bin', 'raydeck.js');
const WHEELS = path.join(ROOT, '.cache', 'wheelhouse', 'files');
const VENV = path.join(ROOT, '.cache', 'bench-venv');
const RAY = path.join(VENV, 'bin', 'ray');
const RESULTS = path.join(ROOT, 'bench', 'results');

/** How long the bench waits for the testbed lock (e2e/support/testbed-lock.ts) while another run holds it. */
const LOCK_WAIT_S = 1800;

const RAY_PACKAGE = `ray[serve]==${RAY_VERSION}`;
const NODES = 3;
const GPUS_PER_NODE = 2;
const TARGET_RATIO = 0.5;
/** Both tools get this long to reach a ready cluster. */
const READY_LIMIT_MS = 10 * 60_000;
const POLL_EVERY_MS = 2000;
/**
 * `--ray-up-same-pip`: ray up's setup commands get Raydeck's pip flags (`--no-compile
 * --no-cache-dir`) instead of the plain `pip install` users copy from Ray's docs.
 */
const RAY_UP_SAME_PIP = process.argv.includes('--ray-up-same-pip');
/** Where ray up's config puts the Ray venv on the nodes (our choice, named in the YAML). */
const NODE_VENV = '~/ray-venv';

// ---------------------------------------------------------------------------------------------
// Child processes: each in its own process group, bounded, ended by its pid (group) only.

interface Ran {
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}
interface RunOptions {
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Send stdout and stderr to this file instead of collecting them (long, chatty commands). */
  logFile?: string;
}

const live = new Set<ChildProcess>();
let interrupted = false;

function endGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // the group this script created for the child (detached)
  } catch {
    /* already gone */
  }
}

/** Runs `cmd args`; never throws for a non-zero exit; kills the command's group at the timeout. */
function run(cmd: string, args: string[], opts: RunOptions): Promise<Ran> {
  const started = Date.now();
  return new Promise((resolve) => {
    const out = opts.logFile ? fs.openSync(opts.logFile, 'a') : null;
    const child = spawn(cmd, args, {
      cwd: ROOT,
      env: opts.env ?? process.env,
      detached: true,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', out ?? 'pipe', out ?? 'pipe'],
    });
    live.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    if (opts.input !== undefined) child.stdin?.end(opts.input);
    let timedOut = false;
    let hardKill: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      endGroup(child, 'SIGTERM');
      hardKill = setTimeout(() => endGroup(child, 'SIGKILL'), 5000);
    }, opts.timeoutMs);
    const done = (code: number | null, signal: string | null, error?: Error) => {
      clearTimeout(timer);
      if (hardKill) clearTimeout(hardKill);
      live.delete(child);
      if (out !== null) fs.closeSync(out);
      resolve({
        code,
        signal,
        stdout,
        stderr: error ? `${stderr}${error.message}\n` : stderr,
        ms: Date.now() - started,
        timedOut,
      });
    };
    child.on('error', (err) => done(null, null, err));
    // With a log file, 'exit' is the end (ray up leaves ssh ControlPersist masters that outlive it);
    // with pipes, 'close' (all output read).
    if (out !== null) child.on('exit', (code, signal) => done(code, signal));
    else child.on('close', (code, signal) => done(code, signal));
  });
}

function describeFailure(what: string, r: Ran): string {
  const why = r.timedOut
    ? `timed out after ${(r.ms / 1000).toFixed(0)} s`
    : r.signal
      ? `killed by ${r.signal}`
      : `exit ${r.code}`;
  const tail = `${r.stderr}\n${r.stdout}`.trim().split('\n').slice(-6).join('\n  ');
  return `${what} failed (${why})${tail ? `:\n  ${tail}` : ''}`;
}

async function mustRun(what: string, cmd: string, args: string[], opts: RunOptions): Promise<Ran> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) throw new Error(describeFailure(what, r));
  return r;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const seconds = (ms: number) => Math.round(ms / 100) / 10;
const say = (line: string) =>
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}`);

// ---------------------------------------------------------------------------------------------
// The lock, the local ray CLI, the testbed.

/** The `ray` CLI on this machine ("the laptop"), from the testbed's wheelhouse (not timed). */
async function ensureRayCli(): Promise<void> {
  const have = await run(RAY, ['--version'], { timeoutMs: 60_000 });
  if (have.code === 0 && have.stdout.includes(`version ${RAY_VERSION}`)) {
    say(`ray CLI: ${have.stdout.trim()} in ${path.relative(ROOT, VENV)}`);
    return;
  }
  if (!fs.existsSync(WHEELS)) {
    say('no wheelhouse yet: testbed wheelhouse');
    await mustRun('testbed wheelhouse', TESTBED, ['wheelhouse'], { timeoutMs: 600_000 });
  }
  const py = await mustRun(
    'python3 --version',
    'python3',
    ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'],
    { timeoutMs: 30_000 },
  );
  if (py.stdout.trim() !== '3.11')
    throw new Error(
      `python3 here is ${py.stdout.trim()}; the wheelhouse holds CPython 3.11 wheels`,
    );
  say(
    `creating ${path.relative(ROOT, VENV)} with ${RAY_PACKAGE} from ${path.relative(ROOT, WHEELS)}`,
  );
  fs.rmSync(VENV, { recursive: true, force: true });
  await mustRun('python3 -m venv', 'python3', ['-m', 'venv', VENV], { timeoutMs: 120_000 });
  // --isolated: this machine's pip.conf and PIP_* variables name other indexes; use the wheelhouse only.
  await mustRun(
    'pip install',
    path.join(VENV, 'bin', 'pip'),
    ['--isolated', 'install', '-q', '--no-index', '--find-links', WHEELS, RAY_PACKAGE],
    { timeoutMs: 600_000 },
  );
  const now = await mustRun('ray --version', RAY, ['--version'], { timeoutMs: 60_000 });
  say(`ray CLI: ${now.stdout.trim()}`);
}

/** Rebuilds the testbed's nodes bare (no Ray, no venv, empty homes) and returns its description. */
async function resetTestbed(outFile: string): Promise<TestbedInfo> {
  await mustRun(
    'testbed up --force',
    TESTBED,
    ['up', '--nodes', String(NODES), '--gpus', String(GPUS_PER_NODE), '--force', '--out', outFile],
    { timeoutMs: 300_000 },
  );
  const tb = JSON.parse(fs.readFileSync(outFile, 'utf8')) as TestbedInfo;
  if (tb.nodes.length !== NODES)
    throw new Error(`the testbed has ${tb.nodes.length} nodes, expected ${NODES}`);
  return tb;
}

/**
 * A known_hosts file for the bench's own ssh polls: each node's key as ssh-keyscan gets it,
 * kept only if its fingerprint is the one the testbed description vouches for.
 */
async function knownHosts(tb: TestbedInfo, file: string): Promise<void> {
  const lines: string[] = [];
  for (const n of tb.nodes) {
    const scan = await mustRun(
      `ssh-keyscan ${n.name}`,
      'ssh-keyscan',
      ['-T', '10', '-t', 'ed25519', '-p', String(n.port), n.host],
      { timeoutMs: 30_000 },
    );
    const keys = scan.stdout.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
    const fp = await mustRun(`ssh-keygen -lf (${n.name})`, 'ssh-keygen', ['-lf', '-'], {
      timeoutMs: 10_000,
      input: keys.join('\n') + '\n',
    });
    const got = fp.stdout.split(/\s+/)[1] ?? '';
    if (!n.hostKeyFingerprints.includes(got))
      throw new Error(
        `${n.name} presents host key ${got || '(none)'}, not ${n.hostKeyFingerprints.join(' or ')}: refusing to talk to it`,
      );
    lines.push(...keys);
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

/** ssh to a testbed node with strict host key checking against `known` (the bench's polls only). */
function onNode(n: TestbedNode, known: string, command: string, timeoutMs = 15_000): Promise<Ran> {
  const opts = [
    '-F',
    '/dev/null',
    '-o',
    'BatchMode=yes',
    '-o',
    'StrictHostKeyChecking=yes',
    '-o',
    `UserKnownHostsFile=${known}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'ConnectTimeout=5',
    '-o',
    'LogLevel=ERROR',
  ];
  return run(
    'ssh',
    [...opts, '-i', n.identityFile, '-p', String(n.port), `${n.user}@${n.host}`, command],
    { timeoutMs },
  );
}

// ---------------------------------------------------------------------------------------------
// Raydeck.

interface RaydeckResult {
  ok: boolean;
  /** `cluster up` from spawn to exit 0 (it exits only after verify: every node ALIVE with its GPUs). */
  wallS: number | null;
  exitCode: number | null;
  verified: unknown;
  status: { state: string; aliveNodes: number; gpus: number; rayVersion: string | null } | null;
  error?: string;
}

async function benchRaydeck(
  tb: TestbedInfo,
  tbFile: string,
  tmp: string,
  logDir: string,
): Promise<RaydeckResult> {
  const raydeckHome = fs.mkdtempSync(path.join(tmp, 'raydeck-home-'));
  const home = fs.mkdtempSync(path.join(tmp, 'home-'));
  const env: NodeJS.ProcessEnv = { ...process.env, RAYDECK_HOME: raydeckHome, HOME: home };
  delete env.SSH_AUTH_SOCK; // the testbed's key file only
  const cli = (args: string[], timeoutMs = 120_000, logFile?: string) =>
    run(process.execPath, [RAYDECK, ...args], { env, timeoutMs, ...(logFile ? { logFile } : {}) });
  const must = async (args: string[]) => {
    const r = await cli(args);
    if (r.code !== 0) throw new Error(describeFailure(`raydeck ${args.slice(0, 2).join(' ')}`, r));
    return r;
  };
  const cluster = 'bench';
  await must(['cluster', 'create', cluster]);
  await must(['node', 'import', cluster, '--testbed', tbFile]);
  for (const n of tb.nodes)
    await must(['node', 'trust', cluster, n.name, '--fingerprint', n.hostKeyFingerprints[0]!]);

  say(`raydeck cluster up ${cluster} --index ${tb.index} --no-vllm --json (timed)`);
  const upLog = path.join(logDir, 'raydeck-cluster-up.json');
  const up = await run(
    process.execPath,
    [RAYDECK, 'cluster', 'up', cluster, '--index', tb.index, '--no-vllm', '--json'],
    { env, timeoutMs: READY_LIMIT_MS },
  );
  fs.writeFileSync(upLog, up.stdout + (up.stderr ? `\n--- stderr ---\n${up.stderr}` : ''));
  const result: RaydeckResult = {
    ok: false,
    wallS: null,
    exitCode: up.code,
    verified: null,
    status: null,
  };
  try {
    result.verified = (JSON.parse(up.stdout) as { verified?: unknown }).verified ?? null;
  } catch {
    /* not JSON: the failure below says why */
  }
  if (up.code !== 0) return { ...result, error: describeFailure('raydeck cluster up', up) };
  result.wallS = seconds(up.ms);
  say(`raydeck: verified after ${result.wallS} s: ${JSON.stringify(result.verified)}`);

  const st = await cli(['cluster', 'status', cluster, '--json'], 60_000);
  fs.writeFileSync(path.join(logDir, 'raydeck-cluster-status.json'), st.stdout + st.stderr);
  if (st.code !== 0) return { ...result, error: describeFailure('raydeck cluster status', st) };
  const s = JSON.parse(st.stdout) as {
    state: string;
    aliveNodes: number;
    gpus: number;
    rayVersion: string | null;
  };
  result.status = {
    state: s.state,
    aliveNodes: s.aliveNodes,
    gpus: s.gpus,
    rayVersion: s.rayVersion,
  };
  const good = s.state === 'running' && s.aliveNodes === NODES && s.gpus === NODES * GPUS_PER_NODE;
  return good
    ? { ...result, ok: true }
    : { ...result, error: `cluster status after up: ${JSON.stringify(result.status)}` };
}

// ---------------------------------------------------------------------------------------------
// ray up.

/** The cluster YAML for `ray up`: provider local, the testbed's nodes, the same index as Raydeck. */
function rayUpConfig(tb: TestbedInfo, clusterName: string): string {
  const [head, ...workers] = tb.nodes;
  const indexHost = new URL(tb.index).hostname;
  const pip = `${NODE_VENV}/bin/pip install --disable-pip-version-check --no-input --progress-bar off${RAY_UP_SAME_PIP ? ' --no-compile --no-cache-dir' : ''} --index-url ${tb.index} --trusted-host ${indexHost} '${RAY_PACKAGE}'`;
  // Ray's command runner runs `bash --login -c -i 'source ~/.bashrc; ...'`: the PATH line makes
  // `ray` the venv's in every later command (start commands, and `ray stop` from `ray down`).
  const pathLine = `export PATH="$HOME/ray-venv/bin:$PATH"`;
  // Ray detects GPUs through NVML, which the testbed's nvidia-smi stand-in does not provide:
  // count them the way Raydeck's preflight does, with nvidia-smi -L.
  const gpus = `--num-gpus=$(nvidia-smi -L | wc -l)`;
  const q = (s: string) => JSON.stringify(s); // a YAML double-quoted scalar
  return [
    `# Written by bench/bringup-vs-ray-up.ts for one run; Ray's on-prem launcher, provider local.`,
    `cluster_name: ${clusterName}`,
    `provider:`,
    `  type: local`,
    `  head_ip: ${head!.host}`,
    `  worker_ips: [${workers.map((w) => w.host).join(', ')}]`,
    `auth:`,
    `  ssh_user: ${head!.user}`,
    `  ssh_private_key: ${head!.identityFile}`,
    `min_workers: ${workers.length}`,
    `max_workers: ${workers.length}`,
    `upscaling_speed: 1.0`,
    `idle_timeout_minutes: 5`,
    `setup_commands:`,
    `  - ${q(`python3 -m venv ${NODE_VENV}`)}`,
    `  - ${q(pip)}`,
    `  - ${q(`grep -qxF '${pathLine}' ~/.bashrc 2>/dev/null || echo '${pathLine}' >> ~/.bashrc`)}`,
    `head_start_ray_commands:`,
    `  - ray stop`,
    // RAY-FACTS: with the default autoscaler (v2) `ray up` stalls at 2 of 3 nodes on this testbed.
    `  - ${q(`RAY_enable_autoscaler_v2=0 ray start --head --port=6379 --autoscaling-config=~/ray_bootstrap_config.yaml --dashboard-host=127.0.0.1 ${gpus} --disable-usage-stats`)}`,
    `worker_start_ray_commands:`,
    `  - ray stop`,
    `  - ${q(`ray start --address=$RAY_HEAD_IP:6379 ${gpus} --disable-usage-stats`)}`,
    '',
  ].join('\n');
}

interface Poll {
  atS: number;
  alive: number;
  gpus: number;
}
interface RayUpResult {
  ok: boolean;
  clusterName: string;
  /** From spawning `ray up -y` until it exited. */
  returnedS: number | null;
  exitCode: number | null;
  /** From spawning `ray up -y` until the head's state API shows every node ALIVE with its GPUs. */
  readyS: number | null;
  /** First poll that saw N nodes ALIVE (with their GPUs), by N. */
  firstSeenS: Record<string, number>;
  polls: Poll[];
  timedOut: boolean;
  error?: string;
}

/** What the head's state API (GET /api/v0/nodes on 127.0.0.1:8265) says: ALIVE expected nodes with all their GPUs. */
function readyNodes(body: string, tb: TestbedInfo): { alive: number; gpus: number } {
  let records: { node_ip?: string; state?: string; resources_total?: Record<string, number> }[] =
    [];
  try {
    const parsed = JSON.parse(body) as { data?: { result?: { result?: typeof records } } };
    records = parsed.data?.result?.result ?? [];
  } catch {
    return { alive: 0, gpus: 0 };
  }
  let alive = 0;
  let gpus = 0;
  for (const n of tb.nodes) {
    const r = records.find((x) => x.node_ip === n.host && x.state === 'ALIVE');
    const g = r?.resources_total?.GPU ?? 0;
    if (r && g === n.gpus) alive += 1;
    if (r) gpus += g;
  }
  return { alive, gpus };
}

async function benchRayUp(
  tb: TestbedInfo,
  tmp: string,
  logDir: string,
  stamp: string,
): Promise<RayUpResult> {
  const clusterName = `rdbench-${stamp}`;
  const known = path.join(tmp, 'known_hosts');
  await knownHosts(tb, known);
  const yamlFile = path.join(logDir, 'ray-up-cluster.yaml');
  fs.writeFileSync(yamlFile, rayUpConfig(tb, clusterName));
  const home = fs.mkdtempSync(path.join(tmp, 'rayup-home-'));
  // TMPDIR: ray up's local state file (<TMPDIR>/ray/cluster-<name>.state), its lock, config cache
  // and bootstrap temp files go to the bench's temp folder, removed at the end.
  const laptopTmp = fs.mkdtempSync(path.join(tmp, 'rayup-tmp-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    TMPDIR: laptopTmp,
    PATH: `${path.join(VENV, 'bin')}:${process.env.PATH ?? ''}`,
    RAY_USAGE_STATS_ENABLED: '0',
    // Ray >= 2.50: ray up itself prefixes the head's start commands with
    // `export RAY_enable_autoscaler_v2=1` unless this is 0 (commands.py, "Autoscaler v2 is now
    // enabled by default"); v2 stalls at 2 of 3 nodes here (RAY-FACTS), so v1, as the facts say.
    RAY_UP_enable_autoscaler_v2: '0',
  };
  delete env.SSH_AUTH_SOCK;
  rayUpEnv = { yamlFile, env, clusterName };
  const result: RayUpResult = {
    ok: false,
    clusterName,
    returnedS: null,
    exitCode: null,
    readyS: null,
    firstSeenS: {},
    polls: [],
    timedOut: false,
  };
  const head = tb.nodes[0]!;
  const expectedGpus = tb.nodes.reduce((s, n) => s + n.gpus, 0);

  say(
    `ray up -y ${path.relative(ROOT, yamlFile)} (timed; polling ${head.name}'s state API every ${POLL_EVERY_MS / 1000} s)`,
  );
  const t0 = Date.now();
  let upEnded: Ran | null = null;
  const upDone = run(RAY, ['up', '-y', '--no-config-cache', yamlFile], {
    env,
    timeoutMs: READY_LIMIT_MS,
    logFile: path.join(logDir, 'ray-up.log'),
  }).then((r) => {
    upEnded = r;
    result.returnedS = seconds(Date.now() - t0);
    result.exitCode = r.code;
    say(
      `ray up returned after ${result.returnedS} s (${r.timedOut ? 'timed out' : `exit ${r.code}`})`,
    );
    return r;
  });

  for (let tick = 1; !interrupted; tick++) {
    const poll = await onNode(
      head,
      known,
      'curl -s -m 5 "http://127.0.0.1:8265/api/v0/nodes?limit=1000" || true',
      10_000,
    );
    const atS = seconds(Date.now() - t0);
    const { alive, gpus } = poll.code === 0 ? readyNodes(poll.stdout, tb) : { alive: 0, gpus: 0 };
    const last = result.polls[result.polls.length - 1];
    if (!last || last.alive !== alive || last.gpus !== gpus)
      say(`  ${atS} s: ${alive} of ${NODES} nodes ALIVE with their GPUs, ${gpus} GPUs`);
    result.polls.push({ atS, alive, gpus });
    for (let k = 1; k <= alive; k++) result.firstSeenS[String(k)] ??= atS;
    if (alive === NODES && gpus === expectedGpus) {
      result.readyS = atS;
      break;
    }
    const ended = upEnded as Ran | null;
    if (ended && ended.code !== 0) {
      result.error =
        describeFailure('ray up', ended) +
        ` (log: ${path.relative(ROOT, path.join(logDir, 'ray-up.log'))})`;
      break;
    }
    if (Date.now() - t0 > READY_LIMIT_MS) {
      result.timedOut = true;
      result.error = `not ready after ${READY_LIMIT_MS / 60_000} min: last poll ${alive} of ${NODES} nodes, ${gpus} GPUs`;
      break;
    }
    const next = t0 + tick * POLL_EVERY_MS;
    if (next > Date.now()) await sleep(next - Date.now());
  }
  if (interrupted) result.error ??= 'interrupted';
  // Ready before ray up returned: wait for it (its own timeout bounds this).
  await upDone;
  // Not timed: the head's autoscaler log says when it launched and set up the workers.
  if (!interrupted) {
    const monitor = await onNode(
      head,
      known,
      'cd /tmp/ray/session_latest/logs 2>/dev/null && tail -c 2000000 monitor.log; echo "=== monitor.out"; tail -c 2000000 monitor.out',
      30_000,
    );
    fs.writeFileSync(path.join(logDir, 'ray-up-head-monitor.log'), monitor.stdout + monitor.stderr);
  }
  result.ok = result.readyS !== null && result.exitCode === 0;
  if (result.readyS !== null && result.exitCode !== 0)
    result.error ??= `cluster ready, but ray up ended with exit ${result.exitCode}`;
  return result;
}

let rayUpEnv: { yamlFile: string; env: NodeJS.ProcessEnv; clusterName: string } | null = null;

/** `ray down -y` with the same YAML, then ray up's ssh control folder (its other local files are under TMPDIR). */
async function rayDown(logDir: string): Promise<string | null> {
  if (!rayUpEnv) return null;
  const { yamlFile, env, clusterName } = rayUpEnv;
  say('ray down -y (cleanup)');
  const down = await run(RAY, ['down', '-y', yamlFile], {
    env,
    timeoutMs: 180_000,
    logFile: path.join(logDir, 'ray-down.log'),
  });
  // command_runner.py: ControlPath /tmp/ray_ssh_<sha256(user)[:10]>/<sha256(cluster)[:10]>/%C, always under /tmp.
  const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 10);
  const userDir = path.join('/tmp', `ray_ssh_${hash(os.userInfo().username)}`);
  fs.rmSync(path.join(userDir, hash(clusterName)), { recursive: true, force: true });
  try {
    fs.rmdirSync(userDir); // only when empty: another ray up of this user may be using it
  } catch {
    /* not empty, or gone */
  }
  return down.code === 0 ? null : describeFailure('ray down', down);
}

// ---------------------------------------------------------------------------------------------

function gitInfo(): Promise<{ commit: string; dirty: boolean }> {
  return Promise.all([
    run('git', ['rev-parse', 'HEAD'], { timeoutMs: 10_000 }),
    run('git', ['status', '--porcelain', '--untracked-files=no'], { timeoutMs: 10_000 }),
  ]).then(([h, s]) => ({
    commit: h.stdout.trim(),
    dirty: s.stdout.trim() !== '',
  }));
}

function printTable(
  raydeck: RaydeckResult | null,
  rayUp: RayUpResult | null,
  ratio: number | null,
): void {
  const fmt = (v: number | null | undefined) =>
    v === null || v === undefined ? '—' : `${v.toFixed(1)} s`;
  const rows: [string, string][] = [
    [
      'Raydeck: cluster up, to verified (3 nodes, 6 GPUs)',
      raydeck?.ok ? fmt(raydeck.wallS) : `failed: ${raydeck?.error?.split('\n')[0] ?? 'not run'}`,
    ],
    [
      'ray up: returned',
      rayUp?.returnedS !== null && rayUp?.returnedS !== undefined
        ? `${fmt(rayUp.returnedS)} (exit ${rayUp.exitCode})`
        : '—',
    ],
    [
      'ray up: to 3 nodes ALIVE with 6 GPUs',
      rayUp?.readyS !== null && rayUp?.readyS !== undefined
        ? fmt(rayUp.readyS)
        : `not ready: ${rayUp?.error?.split('\n')[0] ?? 'not run'}`,
    ],
    [
      'ratio Raydeck / ray up (to ready)',
      ratio === null
        ? '—'
        : `${ratio.toFixed(2)} (target <= ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'})`,
    ],
  ];
  const w = Math.max(...rows.map((r) => r[0].length));
  console.log('');
  for (const [k, v] of rows) console.log(`  ${k.padEnd(w)}  ${v}`);
  console.log('');
}

/** `--runs N` (1-10, default 1): the pair (Raydeck, then ray up) is measured N times in a row. */
function runsWanted(argv: string[]): number {
  const i = argv.indexOf('--runs');
  if (i === -1) return 1;
  const n = Number(argv[i + 1]);
  if (!Number.isInteger(n) || n < 1 || n > 10)
    throw new Error('--runs takes a whole number from 1 to 10');
  return n;
}

interface Pair {
  run: number;
  raydeck: RaydeckResult | null;
  rayUp: RayUpResult | null;
  ratio: number | null;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0
    ? null
    : s.length % 2
      ? s[(s.length - 1) / 2]!
      : Math.round(((s[s.length / 2 - 1]! + s[s.length / 2]!) / 2) * 1000) / 1000;
};

async function main(): Promise<number> {
  const runs = runsWanted(process.argv.slice(2));
  const onSignal = (sig: NodeJS.Signals) => {
    if (interrupted) process.exit(130); // a second Ctrl+C: leave now
    interrupted = true;
    say(`${sig}: stopping the running command, then cleaning up (Ctrl+C again to leave at once)`);
    for (const c of live) endGroup(c, 'SIGTERM');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  await holdTestbedLock('the bring-up bench', { waitS: LOCK_WAIT_S, say });
  say('testbed lock held');

  const startedAt = new Date();
  const stamp = startedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, '')
    .replace('T', '-'); // 20250101-120000 (UTC)
  fs.mkdirSync(RESULTS, { recursive: true });
  const logDir = path.join(RESULTS, `bringup-${stamp}`);
  fs.mkdirSync(logDir);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-bench-'));
  const tbFile = path.join(tmp, 'testbed.json');
  const pairs: Pair[] = [];
  const problems: string[] = [];
  let index = '';
  let dir = logDir;
  try {
    await ensureRayCli();
    for (let k = 1; k <= runs; k++) {
      if (interrupted) throw new Error('interrupted');
      dir = runs === 1 ? logDir : path.join(logDir, `run-${k}`);
      fs.mkdirSync(dir, { recursive: true });
      const pair: Pair = { run: k, raydeck: null, rayUp: null, ratio: null };
      pairs.push(pair);
      const of = runs === 1 ? '' : `run ${k}/${runs}: `;
      say(`${of}testbed up --force: bare nodes for Raydeck`);
      const tb1 = await resetTestbed(tbFile);
      index = tb1.index;
      if (interrupted) throw new Error('interrupted');
      pair.raydeck = await benchRaydeck(tb1, tbFile, tmp, dir).catch((e: Error) => ({
        ok: false,
        wallS: null,
        exitCode: null,
        verified: null,
        status: null,
        error: e.message,
      }));
      if (pair.raydeck.error) say(`raydeck: ${pair.raydeck.error}`);
      if (interrupted) throw new Error('interrupted');
      say(`${of}testbed up --force: bare nodes for ray up`);
      const tb2 = await resetTestbed(tbFile);
      if (interrupted) throw new Error('interrupted');
      pair.rayUp = await benchRayUp(tb2, tmp, dir, runs === 1 ? stamp : `${stamp}-${k}`);
      if (pair.rayUp.error) say(`ray up: ${pair.rayUp.error}`);
      pair.ratio =
        pair.raydeck.ok && pair.rayUp.readyS
          ? Math.round((pair.raydeck.wallS! / pair.rayUp.readyS) * 1000) / 1000
          : null;
      if (runs > 1) printTable(pair.raydeck, pair.rayUp, pair.ratio);
      if (k < runs) {
        const down = await rayDown(dir).catch((e: Error) => e.message);
        rayUpEnv = null;
        if (down) problems.push(`run ${k} cleanup: ${down}`);
      }
    }
  } catch (e) {
    problems.push((e as Error).message);
    say(`stopped: ${(e as Error).message}`);
  } finally {
    interrupted = false; // cleanup runs to its end even after Ctrl+C (a second one leaves)
    const down = await rayDown(dir).catch((e: Error) => e.message);
    if (down) problems.push(`cleanup: ${down}`);
    say('testbed up --force: leaving bare nodes');
    await resetTestbed(tbFile).catch((e: Error) => problems.push(`cleanup: ${e.message}`));
    fs.rmSync(tmp, { recursive: true, force: true });
  }

  const complete = pairs.filter((p) => p.ratio !== null);
  const ratio = complete.length === runs ? median(complete.map((p) => p.ratio!)) : null;
  const last = pairs.at(-1);
  const git = await gitInfo();
  const report = {
    benchmark: 'bringup-vs-ray-up',
    startedAt: startedAt.toISOString(),
    endedAt: new Date().toISOString(),
    machine: {
      cpus: os.cpus().length,
      memGiB: Math.round(os.totalmem() / 2 ** 30),
      kernel: os.release(),
      node: process.version,
    },
    raydeck: { commit: git.commit, dirtyWorkingTree: git.dirty },
    testbed: { nodes: NODES, gpusPerNode: GPUS_PER_NODE, index, package: RAY_PACKAGE },
    runs,
    rayUpPip: RAY_UP_SAME_PIP
      ? 'with --no-compile --no-cache-dir, as Raydeck'
      : "plain pip install, as in Ray's docs",
    results: {
      raydeckToVerifiedS: median(complete.map((p) => p.raydeck!.wallS!)),
      rayUpReturnedS: median(
        pairs.flatMap((p) => (p.rayUp?.returnedS != null ? [p.rayUp.returnedS] : [])),
      ),
      rayUpToReadyS: median(complete.map((p) => p.rayUp!.readyS!)),
      /** Median of the per-run ratios (each run: both sides on the same freshly bare nodes, back to back). */
      ratioRaydeckOverRayUpReady: ratio,
      perRun: pairs.map((p) => ({
        run: p.run,
        raydeckS: p.raydeck?.ok ? p.raydeck.wallS : null,
        rayUpReadyS: p.rayUp?.readyS ?? null,
        ratio: p.ratio,
      })),
      target: `raydeck / ray-up-to-ready <= ${TARGET_RATIO}${runs > 1 ? ' (median of the runs)' : ''}`,
      targetMet: ratio === null ? null : ratio <= TARGET_RATIO,
    },
    ...(runs === 1
      ? { raydeckRun: last?.raydeck ?? null, rayUpRun: last?.rayUp ?? null }
      : { pairs }),
    problems,
    logs: path.relative(ROOT, logDir),
  };
  const file = path.join(RESULTS, `bringup-${stamp}.json`);
  fs.writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  if (runs === 1) printTable(last?.raydeck ?? null, last?.rayUp ?? null, ratio);
  else {
    console.log(
      `  per run (Raydeck / ray up to ready): ${pairs.map((p) => (p.ratio === null ? '—' : `${p.raydeck!.wallS!.toFixed(1)}/${p.rayUp!.readyS!.toFixed(1)} s = ${p.ratio.toFixed(2)}`)).join(', ')}`,
    );
    console.log(
      `  median ratio: ${ratio === null ? '— (a run did not complete)' : `${ratio.toFixed(2)} (target <= ${TARGET_RATIO}: ${ratio <= TARGET_RATIO ? 'met' : 'NOT met'})`}`,
    );
    console.log('');
  }
  for (const p of problems) console.log(`  problem: ${p}`);
  say(
    `results: ${path.relative(ROOT, file)} (logs and the ray up YAML: ${path.relative(ROOT, logDir)}/)`,
  );
  return complete.length === runs &&
    pairs.every((p) => p.raydeck?.ok && p.rayUp?.ok) &&
    problems.length === 0
    ? 0
    : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
