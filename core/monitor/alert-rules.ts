/**
 * The monitor's alert rules, evaluated once per tick over the current views: a replica
 * unhealthy (RECOVERING, or its deployment UNHEALTHY), a deployment below its target for a
 * while, its queue growing while its GPUs idle, a GPU lost or hot, an Xid error on a GPU in the
 * last half hour (critical when it leaves the GPU unusable), a node stale. An alert keeps
 * its `since` while its condition holds; conditions that need time (below target) are held back
 * until they have lasted their grace period.
 */
import type {
  Alert,
  AlertKind,
  DeploymentView,
  GpuSample,
  MonitorNode,
  ReplicaView,
  Severity,
} from '../../shared/domain/monitor';
import { FATAL_XIDS } from './xid';

/** How long an Xid error stays an alert (the events timeline keeps it). */
export const XID_ALERT_MS = 30 * 60_000;

export interface AlertInput {
  now: number;
  nodes: MonitorNode[];
  gpus: GpuSample[];
  deployments: DeploymentView[];
  replicas: ReplicaView[];
  /** The deployment's queue length over the last few ticks, oldest first. */
  queueHistory: (deploymentKey: string) => number[];
}

export interface AlertOptions {
  /** How long a deployment must stay below target (ms). */
  belowTargetGraceMs: number;
  /** GPUs under this utilization (%) count as idle. */
  idleUtilPct: number;
  /** Ticks of queue history that must rise. */
  queueRiseTicks: number;
}

export const DEFAULT_ALERT_OPTIONS: AlertOptions = {
  belowTargetGraceMs: 60_000,
  idleUtilPct: 20,
  queueRiseTicks: 5,
};

interface Condition {
  kind: AlertKind;
  severity: Severity;
  subject: string;
  message: string;
  graceMs?: number;
}

/** Whether the series rose over its span and never fell. */
export function growing(values: number[], ticks: number): boolean {
  if (values.length < ticks) return false;
  const tail = values.slice(-ticks);
  for (let i = 1; i < tail.length; i++) if (tail[i]! < tail[i - 1]!) return false;
  return tail[tail.length - 1]! > tail[0]!;
}

function conditions(input: AlertInput, opts: AlertOptions): Condition[] {
  const out: Condition[] = [];
  for (const r of input.replicas)
    if (r.state === 'RECOVERING')
      out.push({
        kind: 'replica-unhealthy',
        severity: 'warning',
        subject: r.key,
        message: `Replica ${r.replicaId} of ${r.app}/${r.deployment} is recovering (its health check failed or its actor died).`,
      });
  for (const d of input.deployments) {
    if (d.status === 'UNHEALTHY')
      out.push({
        kind: 'replica-unhealthy',
        severity: 'critical',
        subject: d.key,
        message: `${d.key} is UNHEALTHY${d.message ? `: ${d.message}` : ''}`,
      });
    if (d.running < d.desired)
      out.push({
        kind: 'deployment-below-target',
        severity: 'warning',
        subject: d.key,
        message: `${d.key}: ${d.running} of ${d.desired} replicas running${d.pending ? `, ${d.pending} pending${d.pendingReason ? ` (${d.pendingReason})` : ''}` : ''}.`,
        graceMs: opts.belowTargetGraceMs,
      });
    const gpuKeys = new Set(
      input.replicas.filter((r) => `${r.app}/${r.deployment}` === d.key).flatMap((r) => r.gpuIds),
    );
    const gpus = input.gpus.filter((g) => gpuKeys.has(g.key) && g.utilizationPct !== null);
    if (gpus.length && growing(input.queueHistory(d.key), opts.queueRiseTicks)) {
      const avg = gpus.reduce((a, g) => a + g.utilizationPct!, 0) / gpus.length;
      if (avg < opts.idleUtilPct)
        out.push({
          kind: 'queue-growing-gpus-idle',
          severity: 'warning',
          subject: d.key,
          message: `${d.key}: the queue keeps growing while its ${gpus.length} GPU${gpus.length > 1 ? 's' : ''} average ${Math.round(avg)}% utilization (requests stuck before the replicas?).`,
        });
    }
  }
  for (const g of input.gpus) {
    if (g.lost)
      out.push({
        kind: 'gpu-lost',
        severity: 'critical',
        subject: g.key,
        message: `GPU ${g.index} of ${g.nodeId}${g.uuid ? ` (${g.uuid})` : ''} is gone from nvidia-smi.`,
      });
    else if (g.hot)
      out.push({
        kind: 'gpu-hot',
        severity: 'warning',
        subject: g.key,
        message: `GPU ${g.index} of ${g.nodeId} is at ${g.temperatureC} °C.`,
      });
  }
  for (const g of input.gpus)
    if (g.xid !== null && g.xidAt != null && input.now - g.xidAt < XID_ALERT_MS)
      out.push({
        kind: 'gpu-xid',
        severity: FATAL_XIDS.has(g.xid) ? 'critical' : 'warning',
        subject: g.key,
        message: `GPU ${g.index} of ${g.nodeId}: ${g.xidMessage ?? `Xid ${g.xid}`} (${new Date(g.xidAt).toISOString()})${FATAL_XIDS.has(g.xid) ? ' — needs a GPU reset or a reboot.' : ''}`,
      });
  for (const n of input.nodes)
    if (n.stale)
      out.push({
        kind: 'node-stale',
        severity: 'critical',
        subject: n.key,
        message: `Nothing heard from ${n.name} (${n.host}) since ${n.lastSeenAt ? new Date(n.lastSeenAt).toISOString() : 'the start'}${n.problems.length ? `: ${n.problems[0]}` : ''}.`,
      });
  return out;
}

export class AlertRules {
  private readonly firstSeen = new Map<string, number>();
  private active: Alert[] = [];

  constructor(private readonly opts: AlertOptions = DEFAULT_ALERT_OPTIONS) {}

  /** The alerts now; `changed` says whether the list differs from the last call. */
  evaluate(input: AlertInput): { alerts: Alert[]; changed: boolean } {
    const seen = new Set<string>();
    const alerts: Alert[] = [];
    for (const c of conditions(input, this.opts)) {
      const key = `${c.kind}:${c.subject}`;
      seen.add(key);
      const since = this.firstSeen.get(key) ?? input.now;
      this.firstSeen.set(key, since);
      if (c.graceMs && input.now - since < c.graceMs) continue;
      alerts.push({
        key,
        kind: c.kind,
        severity: c.severity,
        subject: c.subject,
        message: c.message,
        since,
      });
    }
    for (const k of [...this.firstSeen.keys()]) if (!seen.has(k)) this.firstSeen.delete(k);
    const sig = (a: Alert[]) => a.map((x) => `${x.key}|${x.message}`).join('\n');
    const changed = sig(alerts) !== sig(this.active);
    this.active = alerts;
    return { alerts, changed };
  }
}
