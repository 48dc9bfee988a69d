/**
 * The core's live monitoring: one ClusterMonitor per subscribed cluster (collectors, series,
 * views, alerts, timeline, cost), subscribe idempotent, unsubscribe / cluster removal / core
 * shutdown stop every collector (no stream is left running on a node). Prices in the price book.
 * Implements the monitor methods' seam (monitor-api.ts).
 */
import { RaydeckError } from '../../shared/contract/errors';
import type { MethodOutput, MethodParsedInput } from '../../shared/contract/methods';
import type { MonitorSnapshot } from '../../shared/domain/monitor';
import type { EventBus } from '../api/event-bus';
import type { NodeInventory } from '../inventory/node-inventory';
import { ClusterMonitor } from './cluster-monitor';
import type { CollectorFactory } from './collector';
import { DEFAULT_HOT_C } from './gpu-state';
import type { PriceBook } from './cost';
import type { MonitorApi } from './monitor-api';

export interface MonitorServiceDeps {
  bus: EventBus;
  nodes: Pick<NodeInventory, 'list'>;
  collectors: CollectorFactory;
  prices: PriceBook;
  periodMs?: number;
  /** How often each node reads its Ray metrics page (default 500 ms: Ray exports every 1 s). */
  metricsPeriodMs?: number;
  appsPeriodMs?: number;
  hotC?: number;
  now?: () => number;
}

export class MonitorService implements MonitorApi {
  private readonly clusters = new Map<string, ClusterMonitor>();
  private readonly starting = new Map<string, Promise<ClusterMonitor>>();

  constructor(private readonly deps: MonitorServiceDeps) {}

  /** The running monitor of a cluster, if subscribed. */
  get(clusterId: string): ClusterMonitor | null {
    return this.clusters.get(clusterId) ?? null;
  }

  private async ensure(clusterId: string): Promise<ClusterMonitor> {
    const running = this.clusters.get(clusterId);
    if (running) return running;
    let pending = this.starting.get(clusterId);
    if (!pending) {
      pending = (async () => {
        const nodes = await this.deps.nodes.list(clusterId);
        const prices = await this.deps.prices.get(clusterId);
        const bus = this.deps.bus;
        const m = new ClusterMonitor(clusterId, nodes, this.deps.collectors, prices, {
          periodMs: this.deps.periodMs ?? 1000,
          metricsPeriodMs: this.deps.metricsPeriodMs ?? 500,
          appsPeriodMs: this.deps.appsPeriodMs ?? 5000,
          hotC: this.deps.hotC ?? DEFAULT_HOT_C,
          emitDelta: (d) => bus.emit('monitor.delta', d),
          emitEvents: (events) => bus.emit('monitor.event', { clusterId, events }),
          emitAlerts: (alerts) => bus.emit('monitor.alerts', { clusterId, alerts }),
          ...(this.deps.now ? { now: this.deps.now } : {}),
        });
        this.clusters.set(clusterId, m);
        m.start();
        return m;
      })().finally(() => this.starting.delete(clusterId));
      this.starting.set(clusterId, pending);
    }
    return pending;
  }

  async subscribe(clusterId: string): Promise<MonitorSnapshot> {
    return (await this.ensure(clusterId)).snapshot();
  }

  async unsubscribe(clusterId: string): Promise<boolean> {
    await this.starting.get(clusterId)?.catch(() => null);
    const m = this.clusters.get(clusterId);
    if (!m) return false;
    m.stop();
    this.clusters.delete(clusterId);
    return true;
  }

  async snapshot(clusterId: string): Promise<MonitorSnapshot> {
    const m = this.clusters.get(clusterId) ?? (await this.starting.get(clusterId));
    if (!m)
      throw new RaydeckError({
        code: 'conflict',
        message: 'This cluster is not monitored: call monitor.subscribe first.',
      });
    return m.snapshot();
  }

  async series(
    input: MethodParsedInput<'monitor.series'>,
  ): Promise<MethodOutput<'monitor.series'>> {
    const m = this.clusters.get(input.clusterId);
    if (!m)
      throw new RaydeckError({
        code: 'conflict',
        message: 'This cluster is not monitored: call monitor.subscribe first.',
      });
    return { at: Date.now(), series: m.store.since(input.keys, input.sinceMs) };
  }

  async setPrices(
    input: MethodParsedInput<'monitor.setPrices'>,
  ): Promise<MethodOutput<'monitor.setPrices'>> {
    const prices = await this.deps.prices.set(input.clusterId, {
      ...(input.perNodeHour ? { perNodeHour: input.perNodeHour } : {}),
      ...(input.perGpuModelHour ? { perGpuModelHour: input.perGpuModelHour } : {}),
    });
    this.clusters.get(input.clusterId)?.setPrices(prices);
    return prices;
  }

  /** Stops the clusters that are no longer in the inventory (called when the cluster list changes). */
  forgetMissing(clusterIds: ReadonlySet<string>): void {
    for (const [id, m] of this.clusters)
      if (!clusterIds.has(id)) {
        m.stop();
        this.clusters.delete(id);
      }
  }

  dispose(): void {
    for (const m of this.clusters.values()) m.stop();
    this.clusters.clear();
  }
}
