/**
 * A client's side of the GPU values in a `monitor.delta` (`gpuValues`: one row per GPU read
 * since the last push): each row sets its GPU's utilization, memory used, temperature, power
 * (null: no value) and `at`; the delta's GPU upserts are merged after it. Pure, and quick for a
 * fleet (4,096 rows a second): a GPU is found by its position in the list.
 */
import type { GpuSample, GpuValues } from './monitor';

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
 * The GPUs with a delta's rows applied (rows of GPUs the list lacks are skipped). GPUs without a
 * row keep their identity; no rows: the same list.
 */
export function applyGpuValues(
  gpus: readonly GpuSample[],
  values: GpuValues | undefined,
): GpuSample[] {
  if (!values || values.keys.length === 0) return gpus as GpuSample[];
  const out = gpus.slice();
  const rebuilt = { done: false };
  const { keys, at, util, memUsed, temp, power } = values;
  for (let r = 0; r < keys.length; r++) {
    const i = positionOf(gpus, keys[r]!, rebuilt);
    if (i < 0) continue;
    // A copy, then its fields set: a literal with the spread and the new fields made objects
    // of a new shape at every delta, and a fleet's list got ~10x slower to update (measured).
    const g = { ...gpus[i]! };
    g.at = at[r] ?? null;
    g.utilizationPct = util[r] ?? null;
    g.memoryUsedMiB = memUsed[r] ?? null;
    g.temperatureC = temp[r] ?? null;
    g.powerW = power[r] ?? null;
    out[i] = g;
  }
  return out;
}
