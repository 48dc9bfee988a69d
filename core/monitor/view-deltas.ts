/**
 * What changed in a cluster's views since the last push: items whose content differs (by key),
 * keys that went away, and the cost view when it changed — the `upserts` / `removed` / `cost`
 * of a `monitor.delta`.
 */
import type { CostView, MonitorDelta, MonitorSnapshot } from '../../shared/domain/monitor';

type Kind = keyof MonitorDelta['upserts'];
const KINDS: Kind[] = ['nodes', 'gpus', 'applications', 'deployments', 'replicas', 'collectors'];

export class ViewDeltas {
  private readonly sent = new Map<string, string>();
  private lastCost = '';

  diff(
    view: Pick<MonitorSnapshot, Kind | 'cost'>,
  ): Pick<MonitorDelta, 'upserts' | 'removed' | 'cost'> {
    const upserts = Object.fromEntries(
      KINDS.map((k) => [k, []]),
    ) as unknown as MonitorDelta['upserts'];
    const removed = Object.fromEntries(
      KINDS.map((k) => [k, []]),
    ) as unknown as MonitorDelta['removed'];
    const live = new Set<string>();
    for (const kind of KINDS)
      for (const item of view[kind] as { key: string }[]) {
        const k = `${kind}\u0000${item.key}`;
        live.add(k);
        const sig = JSON.stringify(item);
        if (this.sent.get(k) !== sig) {
          this.sent.set(k, sig);
          (upserts[kind] as unknown[]).push(item);
        }
      }
    for (const k of [...this.sent.keys()])
      if (!live.has(k)) {
        this.sent.delete(k);
        const [kind, key] = k.split('\u0000') as [Kind, string];
        removed[kind].push(key);
      }
    const costSig = JSON.stringify(view.cost);
    const cost: CostView | null = costSig !== this.lastCost ? view.cost : null;
    this.lastCost = costSig;
    return { upserts, removed, cost };
  }
}
