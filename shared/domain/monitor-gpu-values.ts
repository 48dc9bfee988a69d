/**
 * A client's side of the GPU values in a `monitor.delta`: the last point of each GPU series
 * moves that value of its GPU (and the GPU's `at`); the delta's GPU upserts are merged after it
 * (they carry what the points cannot: a value that went to "no value", flags, processes). Pure,
 * and quick for a fleet (4,096 GPUs x 4 series a second): a series key is read back once and
 * remembered, a GPU found by its position in the list.
 */
import type { GpuSample, SeriesDelta } from './monitor';
import { GPU_SERIES_VALUE, parseGpuSeriesKey, type GpuValueField } from './monitor-keys';

interface Target {
  gpu: string;
  value: GpuValueField;
}

/** Series key -> the GPU value it carries (null: not a GPU series). Bounded. */
const TARGETS = new Map<string, Target | null>();
const MAX_TARGETS = 200_000;

function target(key: string): Target | null {
  let t = TARGETS.get(key);
  if (t === undefined) {
    const p = parseGpuSeriesKey(key);
    t = p ? { gpu: p.gpu, value: GPU_SERIES_VALUE[p.field] } : null;
    if (TARGETS.size >= MAX_TARGETS) TARGETS.clear();
    TARGETS.set(key, t);
  }
  return t;
}

/** GPU key -> position in the last list seen; checked against the list before it is trusted. */
let positions = new Map<string, number>();

function positionOf(gpus: readonly GpuSample[], key: string, rebuilt: { done: boolean }): number {
  const i = positions.get(key);
  if (i !== undefined && gpus[i]?.key === key) return i;
  if (rebuilt.done) return -1;
  rebuilt.done = true;
  positions = new Map(gpus.map((g, k) => [g.key, k]));
  return positions.get(key) ?? -1;
}

/**
 * The GPUs with a delta's GPU series points applied: each value set to its series' last point,
 * `at` to the newest point. A lost GPU takes no values (the core sends it again when it is
 * back). Unchanged GPUs keep their identity; no point for these GPUs: the same list.
 */
export function applyGpuSeries(gpus: readonly GpuSample[], series: SeriesDelta): GpuSample[] {
  let out: GpuSample[] | null = null;
  let copied: Uint8Array | null = null;
  const rebuilt = { done: false };
  for (const key in series) {
    const t = target(key);
    if (t === null) continue;
    const points = series[key]!;
    const last = points[points.length - 1];
    if (last === undefined) continue;
    const i = positionOf(gpus, t.gpu, rebuilt);
    if (i < 0 || gpus[i]!.lost) continue;
    if (out === null || copied === null) {
      out = gpus.slice();
      copied = new Uint8Array(gpus.length);
    }
    let g = out[i]!;
    if (copied[i] === 0) {
      g = out[i] = { ...g };
      copied[i] = 1;
    }
    g[t.value] = last[1];
    if (g.at === null || last[0] > g.at) g.at = last[0];
  }
  return out ?? (gpus as GpuSample[]);
}
