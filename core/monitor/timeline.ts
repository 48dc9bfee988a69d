/**
 * The events timeline: successive Serve states and node / GPU changes turned into events —
 * replica started, died (gone without being stopped), restarted (its pid changed, or a
 * deployment lost one replica and started another within a minute: Serve replaces a killed
 * replica with a new id), state changes, deployment status changes, the autoscaler's decisions
 * (Ray's target moved with status trigger AUTOSCALING), node lost / back, GPU lost / back / hot.
 * Keeps the last 200.
 */
import type {
  DeploymentView,
  MonitorEvent,
  MonitorEventKind,
  ReplicaView,
  Severity,
} from '../../shared/domain/monitor';

const KEEP = 200;
const RESTART_WINDOW_MS = 60_000;

export class Timeline {
  private seq = 0;
  private readonly events: MonitorEvent[] = [];
  private replicas: Map<string, ReplicaView> | null = null;
  private deployments = new Map<string, DeploymentView>();
  private readonly recentDeaths = new Map<string, { at: number; replicaId: string }[]>();
  private fresh: MonitorEvent[] = [];

  add(
    at: number,
    kind: MonitorEventKind,
    severity: Severity,
    subject: string,
    message: string,
  ): void {
    const e = { seq: ++this.seq, at, kind, severity, subject, message };
    this.events.push(e);
    if (this.events.length > KEEP) this.events.splice(0, this.events.length - KEEP);
    this.fresh.push(e);
  }

  /** Events since the last call (for monitor.event). */
  take(): MonitorEvent[] {
    const out = this.fresh;
    this.fresh = [];
    return out;
  }

  all(): MonitorEvent[] {
    return [...this.events];
  }

  /** Diffs a new Serve state against the previous one. The first call only remembers. */
  serve(at: number, deployments: DeploymentView[], replicas: ReplicaView[]): void {
    const next = new Map(replicas.map((r) => [r.key, r]));
    const prev = this.replicas;
    this.replicas = next;
    const prevDeps = this.deployments;
    this.deployments = new Map(deployments.map((d) => [d.key, d]));
    if (!prev) return;
    for (const d of deployments) {
      const p = prevDeps.get(d.key);
      if (!p) continue;
      if (p.status !== d.status)
        this.add(
          at,
          'deployment-status',
          d.status === 'UNHEALTHY' || d.status === 'DEPLOY_FAILED' ? 'critical' : 'info',
          d.key,
          `${d.key}: ${p.status} → ${d.status}${d.message ? ` (${d.message})` : ''}`,
        );
      if (p.desired !== d.desired)
        this.add(
          at,
          d.statusTrigger === 'AUTOSCALING' || d.autoscaling ? 'autoscaler' : 'scale',
          'info',
          d.key,
          `${d.key}: target replicas ${p.desired} → ${d.desired}${d.statusTrigger === 'AUTOSCALING' ? ' (autoscaler)' : ''}`,
        );
    }
    for (const [k, r] of prev) {
      if (next.has(k)) continue;
      const depKey = `${r.app}/${r.deployment}`;
      const stopping = r.state === 'STOPPING' || r.state === 'STOPPED';
      const shrinking =
        (this.deployments.get(depKey)?.desired ?? 0) < (prevDeps.get(depKey)?.desired ?? 0);
      if (stopping || shrinking)
        this.add(at, 'replica-state', 'info', k, `Replica ${r.replicaId} of ${depKey} stopped.`);
      else {
        this.add(
          at,
          'replica-died',
          'critical',
          k,
          `Replica ${r.replicaId} of ${depKey} died (was ${r.state}${r.nodeIp ? ` on ${r.nodeIp}` : ''}).`,
        );
        this.recentDeaths.set(depKey, [
          ...(this.recentDeaths.get(depKey) ?? []),
          { at, replicaId: r.replicaId },
        ]);
      }
    }
    for (const [k, r] of next) {
      const p = prev.get(k);
      const depKey = `${r.app}/${r.deployment}`;
      if (!p) {
        const deaths = (this.recentDeaths.get(depKey) ?? []).filter(
          (x) => at - x.at <= RESTART_WINDOW_MS,
        );
        const replaced = deaths.shift();
        this.recentDeaths.set(depKey, deaths);
        if (replaced)
          this.add(
            at,
            'replica-restarted',
            'warning',
            k,
            `${depKey}: replica ${replaced.replicaId} replaced by ${r.replicaId} (${r.state}).`,
          );
        else
          this.add(
            at,
            'replica-started',
            'info',
            k,
            `Replica ${r.replicaId} of ${depKey} started (${r.state}${r.nodeIp ? ` on ${r.nodeIp}` : ''}).`,
          );
        continue;
      }
      if (p.pid !== null && r.pid !== null && p.pid !== r.pid)
        this.add(
          at,
          'replica-restarted',
          'warning',
          k,
          `Replica ${r.replicaId} of ${depKey} restarted (pid ${p.pid} → ${r.pid}).`,
        );
      else if (p.state !== r.state)
        this.add(
          at,
          'replica-state',
          r.state === 'RECOVERING' ? 'warning' : 'info',
          k,
          `Replica ${r.replicaId} of ${depKey}: ${p.state} → ${r.state}`,
        );
    }
  }
}
