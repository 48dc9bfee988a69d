/**
 * Reading nvidia-smi's CSV for the monitor: the GPU query's rows (index, uuid, name,
 * utilization, memory used / total, temperature, power), the compute apps' rows (gpu uuid, pid,
 * memory), value by value: `[N/A]`, `[Not Supported]`, `N/A` and blanks are null (never 0), a
 * unit after the number (`MiB`, `W`, `%`) is tolerated. A streaming `-lms` loop prints one block
 * of rows per period with no separator: `GpuBlocks` cuts the stream into blocks (a row whose GPU
 * is already in the current block starts the next one; a quiet moment ends it) and says which
 * GPUs went missing (lost) or came back. The apps stream's blocks also carry each GPU's PCI bus id
 * (to map Xid lines) and each compute app's parent chain (to find the replica actor above it).
 */

/** The fields of the GPU stream, in the order of remote/scripts/gpu-stream.sh's query. */
export const GPU_QUERY_FIELDS = [
  'index',
  'uuid',
  'name',
  'utilization.gpu',
  'memory.used',
  'memory.total',
  'temperature.gpu',
  'power.draw',
] as const;

export interface GpuRow {
  index: number;
  uuid: string | null;
  name: string | null;
  utilizationPct: number | null;
  memoryUsedMiB: number | null;
  memoryTotalMiB: number | null;
  temperatureC: number | null;
  powerW: number | null;
}

export interface GpuAppRow {
  gpuUuid: string;
  pid: number;
  usedMemoryMiB: number | null;
}

/** A line nvidia-smi prints instead of a row: a GPU it cannot reach (Xid 79 "fallen off the bus", ...). */
export interface GpuErrorLine {
  error: string;
  /** The PCI bus id it names, when it names one. */
  busId: string | null;
}

const NO_VALUE = /^\[.*\]$|^N\/A$|^$/i;

/** One CSV value: null for "no value", else the number (a trailing unit is dropped). */
export function smiNumber(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const v = raw.trim();
  if (NO_VALUE.test(v)) return null;
  const m = /^(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(?:\s*(?:MiB|W|%|C|MHz|us))?$/.exec(v);
  return m ? Number(m[1]) : null;
}

const smiText = (raw: string | undefined): string | null => {
  const v = raw?.trim() ?? '';
  return NO_VALUE.test(v) ? null : v;
};

/** A row of the GPU query; an error line; or null for anything else (blank, a JSON status line). */
export function parseGpuLine(line: string): GpuRow | GpuErrorLine | null {
  const t = line.trim();
  if (!t || t.startsWith('{')) return null;
  if (/^Unable to determine|^GPU .*(fallen off|lost)|Unknown Error$/i.test(t)) {
    const bus = /GPU\s*([0-9A-Fa-f]{4,8}:[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\.[0-9A-Fa-f])/.exec(t);
    return { error: t, busId: bus ? bus[1]! : null };
  }
  const cols = t.split(',');
  if (cols.length !== GPU_QUERY_FIELDS.length) return null;
  const index = smiNumber(cols[0]);
  if (index === null || !Number.isInteger(index)) return null;
  return {
    index,
    uuid: smiText(cols[1]),
    name: smiText(cols[2]),
    utilizationPct: smiNumber(cols[3]),
    memoryUsedMiB: smiNumber(cols[4]),
    memoryTotalMiB: smiNumber(cols[5]),
    temperatureC: smiNumber(cols[6]),
    powerW: smiNumber(cols[7]),
  };
}

/** A row of `--query-compute-apps=gpu_uuid,pid,used_memory`; null for anything else. */
export function parseAppLine(line: string): GpuAppRow | null {
  const cols = line.trim().split(',');
  if (cols.length !== 3) return null;
  const gpuUuid = smiText(cols[0]);
  const pid = smiNumber(cols[1]);
  if (!gpuUuid || pid === null || !Number.isInteger(pid)) return null;
  return { gpuUuid, pid, usedMemoryMiB: smiNumber(cols[2]) };
}

export const isGpuError = (r: GpuRow | GpuErrorLine | null): r is GpuErrorLine =>
  r !== null && 'error' in r;

export interface GpuBlock {
  /** When the block's first row arrived (ms). */
  at: number;
  rows: GpuRow[];
  errors: GpuErrorLine[];
}

/**
 * Cuts a `-lms` stream into blocks. `push` returns the previous block when a row starts a new
 * one; `flush` (called after a quiet moment) returns the block in progress.
 */
export class GpuBlocks {
  private current: GpuBlock | null = null;
  private seen = new Set<string>();

  push(line: string, now: number): GpuBlock | null {
    const r = parseGpuLine(line);
    if (r === null) return null;
    let done: GpuBlock | null = null;
    const id = isGpuError(r) ? `err:${r.busId ?? r.error}` : (r.uuid ?? `#${r.index}`);
    if (this.current && this.seen.has(id)) done = this.flush();
    if (!this.current) this.current = { at: now, rows: [], errors: [] };
    this.seen.add(id);
    if (isGpuError(r)) this.current.errors.push(r);
    else this.current.rows.push(r);
    return done;
  }

  flush(): GpuBlock | null {
    const b = this.current;
    this.current = null;
    this.seen = new Set();
    return b && (b.rows.length || b.errors.length) ? b : null;
  }
}

/** One period of the apps stream (remote/scripts/gpu-stream.sh, stream "apps"). */
export interface AppBlock {
  apps: GpuAppRow[];
  /** GPU uuid -> its pci.bus_id as nvidia-smi prints it (`bus UUID, BUS` lines). */
  busIds: Map<string, string>;
  /** A compute app's pid -> [pid, parent, grandparent, ... 1] (`chain` lines, from /proc/PID/stat). */
  chains: Map<number, number[]>;
}

/** Cuts the apps stream into blocks at its `--end--` lines. */
export class AppBlocks {
  private block: AppBlock = AppBlocks.empty();

  private static empty(): AppBlock {
    return { apps: [], busIds: new Map(), chains: new Map() };
  }

  /** The finished block at an `--end--` line, else null. */
  push(line: string): AppBlock | null {
    const t = line.trim();
    if (t === '--end--') {
      const out = this.block;
      this.block = AppBlocks.empty();
      return out;
    }
    if (t.startsWith('bus ')) {
      const [uuid, bus] = t.slice(4).split(',');
      if (uuid?.trim() && bus?.trim()) this.block.busIds.set(uuid.trim(), bus.trim());
    } else if (t.startsWith('chain ')) {
      const pids = t.slice(6).trim().split(/\s+/).map(Number);
      if (pids.length && pids.every((p) => Number.isInteger(p) && p >= 0))
        this.block.chains.set(pids[0]!, pids);
    } else {
      const r = parseAppLine(t);
      if (r) this.block.apps.push(r);
    }
    return null;
  }
}
