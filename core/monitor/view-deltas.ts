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
 * A GPU is compared without its values and `at` (they move every period and travel as series
 * points): only whether each value is there counts, since a series never carries "no value".
 */
import type {
  CostView,
  GpuSample,
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

/** A GpuSample value that a delta sends as a series point. */
const isGpuValue = (k: string) =>
  k === 'utilizationPct' || k === 'memoryUsedMiB' || k === 'temperatureC' || k === 'powerW';

/**
 * Whether a client holding GPU `a` (moved since by series points) holds `b`: every field but the
 * values and `at` the same, and each value present in both or in neither.
 */
export function sameGpuBesidesValues(a: GpuSample, b: GpuSample): boolean {
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  let n = 0;
  for (const k in x) {
    const v = x[k];
    if (v === undefined) continue;
    n++;
    if (k === 'at') continue;
    if (isGpuValue(k)) {
      if ((asJson(v) === null) !== (asJson(y[k] ?? null) === null)) return false;
    } else if (!sameContent(v, y[k])) return false;
  }
  for (const k in y) if (y[k] !== undefined) n--;
  return n === 0;
}

export class ViewDeltas {
  private readonly sent: Map<string, unknown>[] = KINDS.map(() => new Map());
  private lastCost: CostView | null = null;

  diff(
    view: Pick<MonitorSnapshot, Kind | 'cost'>,
  ): Pick<MonitorDelta, 'upserts' | 'removed' | 'cost'> {
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
    };
  }
}
