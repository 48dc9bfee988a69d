/**
 * The head's Ray dashboard through the head's SSH connection: the dashboard listens on the
 * head's 127.0.0.1 only, so every request goes through a `forwardOut` tunnel, with the auth
 * token read from the head itself. Also: verify (wait, bounded, until the nodes that started
 * are ALIVE with their GPUs) and the cluster status behind `raydeck cluster status`.
 */
import type { ClusterNode, ClusterStatus, RayNodeStatus } from '../../shared';
import type { NodeAccess } from '../nodes/node-access';
import type { NodeConnection } from '../ssh/types';
import { DashboardClient, summarizeNodes, type RayNodeRecord } from '../ray/dashboard-client';
import { readNodeToken, sleep } from './remote-job';
import { runningStatus } from './cluster-status';
import { RAY_PORTS } from '../../shared';
import { StepError } from './node-steps';

export async function dashboardFor(
  conn: NodeConnection,
  token?: string | null,
): Promise<DashboardClient> {
  const t = token === undefined ? await readNodeToken(conn) : token;
  return new DashboardClient({
    openTunnel: () => conn.forwardOut('127.0.0.1', RAY_PORTS.dashboard),
    token: t,
    timeoutMs: 10_000,
  });
}

export interface ExpectedNode {
  name: string;
  host: string;
  /** null: not known to this run (a head brought up earlier); its GPUs are not checked. */
  numGpus: number | null;
}

/** Waits (bounded) until every expected node is ALIVE in Ray with its GPUs; returns what Ray reports. */
export async function verifyCluster(
  dashboard: DashboardClient,
  expected: ExpectedNode[],
  opts: {
    signal?: AbortSignal;
    timeoutMs?: number;
    log?: (line: string) => void;
    progress?: (fraction: number, detail: string) => void;
  } = {},
): Promise<{ nodes: number; gpus: number; rayVersion: string }> {
  const startedAt = Date.now();
  const deadline = startedAt + (opts.timeoutMs ?? 60_000);
  let lastDetail = '';
  const rayVersion = (await dashboard.version()).ray_version;
  opts.log?.(
    `[${((Date.now() - startedAt) / 1000).toFixed(1)} s] the dashboard answers: Ray ${rayVersion}`,
  );
  let missing: string[] = expected.map((e) => e.name);
  let records: RayNodeRecord[] = [];
  while (Date.now() < deadline && !opts.signal?.aborted) {
    records = await dashboard.nodes().catch(() => records);
    const alive = records.filter((r) => r.state === 'ALIVE');
    missing = [];
    for (const e of expected) {
      const seen = alive.find((r) => r.node_ip === e.host);
      // A hostname in the inventory cannot be matched by IP: count it by the total instead.
      if (!seen && /^[0-9a-f.:]+$/i.test(e.host))
        missing.push(`${e.name} (${e.host}) not registered`);
      else if (seen && e.numGpus !== null && (seen.resources_total.GPU ?? 0) !== e.numGpus)
        missing.push(`${e.name} registered ${seen.resources_total.GPU ?? 0} of ${e.numGpus} GPUs`);
    }
    if (missing.length === 0 && alive.length < expected.length)
      missing.push(`${alive.length} of ${expected.length} nodes registered`);
    const detail = missing.length ? `Waiting: ${missing.join('; ')}` : 'All nodes registered';
    if (detail !== lastDetail)
      opts.log?.(`[${((Date.now() - startedAt) / 1000).toFixed(1)} s] ${detail}`);
    lastDetail = detail;
    opts.progress?.(
      Math.min(1, (expected.length - missing.length) / Math.max(1, expected.length)),
      detail,
    );
    if (missing.length === 0) break;
    await sleep(300, opts.signal);
  }
  const summary = summarizeNodes(records);
  opts.log?.(
    `Ray ${rayVersion}: ${summary.alive} nodes alive, ${summary.gpus} GPUs, ${summary.cpus} CPUs`,
  );
  for (const r of records)
    opts.log?.(
      `  ${r.state.padEnd(5)} ${r.node_ip}${r.is_head_node ? ' (head)' : ''}  GPU ${r.resources_total.GPU ?? 0}  CPU ${r.resources_total.CPU ?? 0}`,
    );
  if (missing.length > 0) {
    throw new StepError(
      `Not every node registered with the head: ${missing.join('; ')}.`,
      "Check the failed nodes' join logs; a worker must reach the head on port 6379 and Ray's node ports.",
    );
  }
  return { nodes: summary.alive, gpus: summary.gpus, rayVersion };
}

/** The live cluster as the head reports it; never throws for an unreachable head. */
export async function clusterStatus(
  clusterId: string,
  nodes: ClusterNode[],
  access: NodeAccess,
): Promise<ClusterStatus> {
  const base = {
    clusterId,
    dashboardReachable: false,
    rayVersion: null,
    nodes: [] as RayNodeStatus[],
    aliveNodes: 0,
    gpus: 0,
    downNodes: [],
  };
  const head = nodes.find((n) => n.role === 'head');
  if (!head) return { ...base, state: 'no-head', detail: 'The cluster has no head node.' };
  let conn: NodeConnection;
  try {
    conn = await access.lease(head.id);
  } catch (err) {
    return {
      ...base,
      state: 'unreachable',
      detail: err instanceof Error ? err.message : String(err),
    };
  }
  try {
    const dashboard = await dashboardFor(conn).catch(() => null);
    if (!dashboard)
      return {
        ...base,
        state: 'stopped',
        detail: `${head.name} answers over SSH, but Raydeck's Ray is not installed or set up there.`,
      };
    let records: RayNodeRecord[];
    let rayVersion: string;
    try {
      rayVersion = (await dashboard.version()).ray_version;
      records = await dashboard.nodes();
    } catch (err) {
      return {
        ...base,
        state: 'stopped',
        detail: `${head.name} answers over SSH, but its Ray dashboard does not (${err instanceof Error ? err.message : String(err)}): Ray is stopped.`,
      };
    }
    return runningStatus(clusterId, rayVersion, records, nodes);
  } finally {
    conn.release();
  }
}
