/**
 * The cluster's cost from the user's prices: per node its own $/h, else the sum of its GPUs'
 * model price; the cluster's $/h over priced nodes; $ per 1M requests at the measured request
 * rate (the seed's table, live). Prices live in $RAYDECK_HOME/monitor-prices.json, one entry per
 * cluster, written under the file lock.
 */
import fs from 'node:fs/promises';
import type { CostView, GpuSample, MonitorNode, MonitorPrices } from '../../shared/domain/monitor';
import { MonitorPrices as PricesSchema } from '../../shared/domain/monitor';
import { withFileLock } from '../storage/file-lock';
import { writeFileAtomic } from '../storage/atomic-file';

export const NO_PRICES: MonitorPrices = { perNodeHour: {}, perGpuModelHour: {} };

export function computeCost(
  prices: MonitorPrices,
  nodes: MonitorNode[],
  gpus: GpuSample[],
  rps: number | null,
): CostView {
  const perNode: CostView['perNode'] = [];
  const unpriced: string[] = [];
  let total = 0;
  let priced = 0;
  const gpusByNode = new Map<string, GpuSample[]>();
  for (const g of gpus) {
    if (g.lost) continue;
    const list = gpusByNode.get(g.nodeId);
    if (list) list.push(g);
    else gpusByNode.set(g.nodeId, [g]);
  }
  for (const n of nodes) {
    const own = prices.perNodeHour[n.nodeId];
    if (own !== undefined) {
      perNode.push({ nodeId: n.nodeId, perHour: own, source: 'node' });
      total += own;
      priced++;
      continue;
    }
    const mine = gpusByNode.get(n.nodeId) ?? [];
    const each = mine.map((g) => (g.name ? prices.perGpuModelHour[g.name] : undefined));
    if (mine.length && each.every((x) => x !== undefined)) {
      const sum = (each as number[]).reduce((a, b) => a + b, 0);
      perNode.push({ nodeId: n.nodeId, perHour: sum, source: 'gpu-model' });
      total += sum;
      priced++;
    } else {
      perNode.push({ nodeId: n.nodeId, perHour: null, source: null });
      unpriced.push(n.nodeId);
    }
  }
  const perHour = priced ? total : null;
  const perMillionRequests =
    perHour !== null && rps !== null && rps > 0 ? (perHour / (rps * 3600)) * 1e6 : null;
  return { prices, perHour, perMillionRequests, rps, perNode, unpriced };
}

/** The prices file: { [clusterId]: MonitorPrices }. */
export class PriceBook {
  constructor(private readonly file: string) {}

  private async readAll(): Promise<Record<string, MonitorPrices>> {
    try {
      const raw = JSON.parse(await fs.readFile(this.file, 'utf8')) as Record<string, unknown>;
      const out: Record<string, MonitorPrices> = {};
      for (const [k, v] of Object.entries(raw)) {
        const p = PricesSchema.safeParse(v);
        if (p.success) out[k] = p.data;
      }
      return out;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
  }

  async get(clusterId: string): Promise<MonitorPrices> {
    return (await this.readAll())[clusterId] ?? NO_PRICES;
  }

  /** Sets (number) or removes (null) prices; keys left out stay. */
  async set(
    clusterId: string,
    changes: {
      perNodeHour?: Record<string, number | null>;
      perGpuModelHour?: Record<string, number | null>;
    },
  ): Promise<MonitorPrices> {
    return withFileLock(`${this.file}.lock`, async () => {
      const all = await this.readAll();
      const cur = all[clusterId] ?? NO_PRICES;
      const merge = (
        base: Record<string, number>,
        ch: Record<string, number | null> | undefined,
      ) => {
        const out = { ...base };
        for (const [k, v] of Object.entries(ch ?? {})) {
          if (v === null) delete out[k];
          else out[k] = v;
        }
        return out;
      };
      const next = {
        perNodeHour: merge(cur.perNodeHour, changes.perNodeHour),
        perGpuModelHour: merge(cur.perGpuModelHour, changes.perGpuModelHour),
      };
      all[clusterId] = next;
      await writeFileAtomic(this.file, `${JSON.stringify(all, null, 2)}\n`);
      return next;
    });
  }
}
