/**
 * What changed in a cluster's views since the last push: items whose content differs (by key),
 * keys that went away, and the cost view when it changed — the `upserts` / `removed` / `cost`
 * of a `monitor.delta`.
 *
 * Each item is compared field by field with the one last sent under its key (no JSON
 * signatures: a tick of 8,000 views built and kept ~4 MB of strings a second). That relies on the
 * cluster monitor building its views afresh every tick and never changing an item once pushed,
 * which it does (cluster-monitor.ts, gpu-state.ts). Equal means equal as JSON would send it:
 * NaN, ±Infinity and null alike, an undefined property equal to a missing one.
 *
 * A GPU is compared without its values and `at`: they move every period and travel as rows of
 * `gpuValues` (a row for each GPU whose values or `at` differ from those last sent).
 */
import type {
  CostView,
  GpuSample,
  GpuValues,
  MonitorDelta,
  MonitorSnapshot,
} from '../../shared/domain/monitor';

type Kind = keyof MonitorDelta['upserts'];
const KINDS: Kind[] = ['nodes', 'gpus', 'applications', 'deployments', 'replicas', 'collectors'];

/** A primitive as JSON sends it: NaN and ±Infinity are null. */
const asJson = (x: unknown) => (typeof x === 'number' && !Number.isFinite(x) ? null : x);

/** Whether two JSON-like values (plain objects, arrays, primitives) have the same content. */
export function sameContent(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null)
    return asJson(a) === asJson(b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameContent(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let n = 0;
  for (const k in x) {
    const v = x[k];
    if (v === undefined) continue;
    n++;
    if (!sameContent(v, y[k])) return false;
  }
  for (const k in y) if (y[k] !== undefined) n--;
  return n === 0;
}

/** A GpuSample field that a delta sends in `gpuValues`. */
const isGpuValue = (k: string) =>
  k === 'at' ||
  k === 'utilizationPct' ||
  k === 'memoryUsedMiB' ||
  k === 'temperatureC' ||
  k === 'powerW';

/** Whether GPUs `a` and `b` are the same but for their values and `at` (see gpuValues). */
export function sameGpuBesidesValues(a: GpuSample, b: GpuSample): boolean {
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  let n = 0;
  for (const k in x) {
    const v = x[k];
    if (v === undefined) continue;
    n++;
    if (!isGpuValue(k) && !sameContent(v, y[k])) return false;
  }
  for (const k in y) if (y[k] !== undefined) n--;
  return n === 0;
}

/** A GPU's values and `at` as JSON sends them (null for NaN / ±Infinity). */
const num = (x: number | null) => (x !== null && Number.isFinite(x) ? x : null);
const sameValues = (a: GpuSample, b: GpuSample) =>
  num(a.at) === num(b.at) &&
  num(a.utilizationPct) === num(b.utilizationPct) &&
  num(a.memoryUsedMiB) === num(b.memoryUsedMiB) &&
  num(a.temperatureC) === num(b.temperatureC) &&
  num(a.powerW) === num(b.powerW);

export class ViewDeltas {
  private readonly sent: Map<string, unknown>[] = KINDS.map(() => new Map());
  /** Each GPU as its values and `at` were last sent. */
  private readonly valuesSent = new Map<string, GpuSample>();
  private lastCost: CostView | null = null;

  diff(
    view: Pick<MonitorSnapshot, Kind | 'cost'>,
  ): Pick<MonitorDelta, 'upserts' | 'removed' | 'cost' | 'gpuValues'> {
    const gpuValues = this.gpuValues(view.gpus);
    const upserts = {} as Record<Kind, unknown[]>;
    const removed = {} as Record<Kind, string[]>;
    for (let i = 0; i < KINDS.length; i++) {
      const kind = KINDS[i]!;
      const sent = this.sent[i]!;
      const same = (kind === 'gpus' ? sameGpuBesidesValues : sameContent) as (
        a: unknown,
        b: unknown,
      ) => boolean;
      const ups: unknown[] = [];
      const seen = new Set<string>();
      for (const item of view[kind] as { key: string }[]) {
        seen.add(item.key);
        const before = sent.get(item.key);
        if (before === undefined || !same(before, item)) {
          sent.set(item.key, item);
          ups.push(item);
        }
      }
      const gone: string[] = [];
      if (seen.size !== sent.size)
        for (const key of sent.keys())
          if (!seen.has(key)) {
            sent.delete(key);
            gone.push(key);
          }
      upserts[kind] = ups;
      removed[kind] = gone;
    }
    const cost: CostView | null =
      this.lastCost !== null && sameContent(this.lastCost, view.cost) ? null : view.cost;
    this.lastCost = view.cost;
    return {
      upserts: upserts as unknown as MonitorDelta['upserts'],
      removed: removed as MonitorDelta['removed'],
      cost,
      ...(gpuValues ? { gpuValues } : {}),
    };
  }

  /** Rows for the GPUs whose values or `at` changed since last sent; undefined when none did. */
  private gpuValues(gpus: readonly GpuSample[]): GpuValues | undefined {
    const rows: GpuValues = { keys: [], at: [], util: [], memUsed: [], temp: [], power: [] };
    for (const g of gpus) {
      const before = this.valuesSent.get(g.key);
      if (before !== undefined && sameValues(before, g)) continue;
      this.valuesSent.set(g.key, g);
      rows.keys.push(g.key);
      rows.at.push(num(g.at));
      rows.util.push(num(g.utilizationPct));
      rows.memUsed.push(num(g.memoryUsedMiB));
      rows.temp.push(num(g.temperatureC));
      rows.power.push(num(g.powerW));
    }
    if (this.valuesSent.size !== gpus.length) {
      const present = new Set(gpus.map((g) => g.key));
      for (const k of this.valuesSent.keys()) if (!present.has(k)) this.valuesSent.delete(k);
    }
    return rows.keys.length ? rows : undefined;
  }
}
