/**
 * The Monitor page's copy of a cluster's live state: the snapshot from `monitor.subscribe`,
 * with each `monitor.delta` merged in by key (its GPU value rows move the GPUs' values, then
 * upserts replace, removed keys go), new timeline
 * events appended (bounded, no duplicates by seq) and the alert list replaced. Pure functions:
 * the hooks keep the result in the cluster's live store. Also the cluster totals the overview
 * shows (GPUs busy, replicas running / pending, $/h).
 */
import {
  applyGpuValues,
  type Alert,
  type DeploymentView,
  type MonitorDelta,
  type MonitorEvent,
  type MonitorSnapshot,
} from '../../../shared';

/** Events kept on the page (the core sends at most 200 in a snapshot). */
export const EVENTS_KEPT = 500;

/** A GPU counts as busy at or over this utilization, or when a process runs on it. */
export const BUSY_UTIL_PCT = 5;

function merge<T extends { key: string }>(
  list: readonly T[],
  upserts: readonly T[],
  removed: readonly string[],
): T[] {
  if (upserts.length === 0 && removed.length === 0) return list as T[];
  // A list whose every item was re-sent in the same order (a fleet's GPUs as an older core sent
  // them every second; now only when all of them changed): taken as it is instead of matching
  // 4,096 keys through a map.
  if (
    removed.length === 0 &&
    upserts.length === list.length &&
    upserts.every((u, i) => u.key === list[i]!.key)
  )
    return upserts.slice();
  const gone = new Set(removed);
  const byKey = new Map(upserts.map((u) => [u.key, u]));
  const out: T[] = [];
  for (const item of list) {
    if (gone.has(item.key)) continue;
    const next = byKey.get(item.key);
    if (next) {
      out.push(next);
      byKey.delete(item.key);
    } else out.push(item);
  }
  // New keys go at the end, in the order the core sent them.
  for (const u of byKey.values()) if (!gone.has(u.key)) out.push(u);
  return out;
}

/** The snapshot with one delta merged in (unchanged lists keep their identity). */
export function applyDelta(s: MonitorSnapshot, d: MonitorDelta): MonitorSnapshot {
  if (d.clusterId !== s.clusterId) return s;
  return {
    ...s,
    takenAt: Math.max(s.takenAt, d.at),
    nodes: merge(s.nodes, d.upserts.nodes, d.removed.nodes),
    // Values first (the GPUs read since the last push), then what the core re-sent whole.
    gpus: merge(applyGpuValues(s.gpus, d.gpuValues), d.upserts.gpus, d.removed.gpus),
    applications: merge(s.applications, d.upserts.applications, d.removed.applications),
    deployments: merge(s.deployments, d.upserts.deployments, d.removed.deployments),
    replicas: merge(s.replicas, d.upserts.replicas, d.removed.replicas),
    collectors: merge(s.collectors, d.upserts.collectors, d.removed.collectors),
    cost: d.cost ?? s.cost,
  };
}

/** New timeline events appended in seq order, without ones already held, at most EVENTS_KEPT. */
export function applyEvents(s: MonitorSnapshot, events: readonly MonitorEvent[]): MonitorSnapshot {
  const last = s.events.at(-1)?.seq ?? -Infinity;
  const fresh = events.filter((e) => e.seq > last).sort((a, b) => a.seq - b.seq);
  if (fresh.length === 0) return s;
  return { ...s, events: [...s.events, ...fresh].slice(-EVENTS_KEPT) };
}

export function applyAlerts(s: MonitorSnapshot, alerts: readonly Alert[]): MonitorSnapshot {
  return { ...s, alerts: [...alerts] };
}

export interface ClusterTotals {
  gpus: number;
  gpusBusy: number;
  gpusLost: number;
  gpusHot: number;
  /** GPUs whose utilization is unknown (no value, stale or lost). */
  gpusNoValue: number;
  nodes: number;
  nodesStale: number;
  replicasRunning: number;
  replicasStarting: number;
  replicasPending: number;
  replicasDesired: number;
  perHour: number | null;
  perMillionRequests: number | null;
}

export function clusterTotals(
  s: Pick<MonitorSnapshot, 'gpus' | 'nodes' | 'deployments' | 'cost'>,
): ClusterTotals {
  let gpusBusy = 0;
  let gpusLost = 0;
  let gpusHot = 0;
  let gpusNoValue = 0;
  for (const g of s.gpus) {
    if (g.lost) gpusLost++;
    if (g.hot) gpusHot++;
    if (g.lost || g.stale || g.utilizationPct === null) gpusNoValue++;
    else if (g.utilizationPct >= BUSY_UTIL_PCT || g.processes.length > 0) gpusBusy++;
  }
  const sum = (f: (d: DeploymentView) => number) => s.deployments.reduce((n, d) => n + f(d), 0);
  return {
    gpus: s.gpus.length,
    gpusBusy,
    gpusLost,
    gpusHot,
    gpusNoValue,
    nodes: s.nodes.length,
    nodesStale: s.nodes.filter((n) => n.stale).length,
    replicasRunning: sum((d) => d.running),
    replicasStarting: sum((d) => d.starting),
    replicasPending: sum((d) => d.pending),
    replicasDesired: sum((d) => d.desired),
    perHour: s.cost.perHour,
    perMillionRequests: s.cost.perMillionRequests,
  };
}

/** "$12.40" / "—" for no value (never "$0.00" for an unknown price). */
export function formatUsd(v: number | null): string {
  if (v === null) return '—';
  return `$${v >= 100 ? v.toFixed(0) : v.toFixed(2)}`;
}

/** A measured number for a tile: "12.3 ms", or "no value". */
export function formatMeasured(v: number | null, unit = '', digits?: number): string {
  if (v === null) return 'no value';
  const d = digits ?? (Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2);
  const s = v.toFixed(d);
  return unit ? `${s} ${unit}` : s;
}
