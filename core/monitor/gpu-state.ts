/**
 * What the monitor knows of one node's GPUs, from its nvidia-smi stream blocks: each GPU by
 * UUID (nvidia-smi renumbers the indices when one drops out, so the index a GPU was first seen
 * with stays its key), its last values, lost (was there, missing from a whole block), hot (at or
 * over the threshold), stale (no block for ~3 periods or the stream is down), and the compute
 * processes on it.
 */
import type { GpuProcess, GpuSample } from '../../shared/domain/monitor';
import { viewKey } from '../../shared/domain/monitor';
import type { GpuAppRow, GpuBlock, GpuRow } from './nvidia-smi';

export const DEFAULT_HOT_C = 85;

export interface GpuChange {
  kind: 'lost' | 'back' | 'hot' | 'cool' | 'new';
  key: string;
  uuid: string;
  index: number;
}

interface Tracked {
  index: number;
  row: GpuRow;
  at: number;
  lost: boolean;
  hot: boolean;
}

export class NodeGpus {
  private readonly gpus = new Map<string, Tracked>();
  private apps: GpuAppRow[] = [];
  private lastBlockAt: number | null = null;
  streamUp = false;

  constructor(
    readonly nodeId: string,
    private readonly hotC = DEFAULT_HOT_C,
  ) {}

  get count(): number {
    return this.gpus.size;
  }

  get lastSeenAt(): number | null {
    return this.lastBlockAt;
  }

  /** Takes one block of the stream; returns what changed (lost, back, hot, cool, new). */
  applyBlock(block: GpuBlock): GpuChange[] {
    const changes: GpuChange[] = [];
    this.lastBlockAt = block.at;
    this.streamUp = true;
    const present = new Set<string>();
    const usedIndices = new Set([...this.gpus.values()].map((g) => g.index));
    for (const row of block.rows) {
      const uuid = row.uuid ?? `index-${row.index}`;
      present.add(uuid);
      let g = this.gpus.get(uuid);
      if (!g) {
        const index = usedIndices.has(row.index) ? Math.max(...usedIndices) + 1 : row.index;
        usedIndices.add(index);
        g = { index, row, at: block.at, lost: false, hot: false };
        this.gpus.set(uuid, g);
        changes.push({ kind: 'new', key: viewKey.gpu(this.nodeId, index), uuid, index });
      }
      g.row = row;
      g.at = block.at;
      if (g.lost) {
        g.lost = false;
        changes.push({
          kind: 'back',
          key: viewKey.gpu(this.nodeId, g.index),
          uuid,
          index: g.index,
        });
      }
      const hot = row.temperatureC !== null && row.temperatureC >= this.hotC;
      if (hot !== g.hot)
        changes.push({
          kind: hot ? 'hot' : 'cool',
          key: viewKey.gpu(this.nodeId, g.index),
          uuid,
          index: g.index,
        });
      g.hot = hot;
    }
    for (const [uuid, g] of this.gpus)
      if (!present.has(uuid) && !g.lost) {
        g.lost = true;
        changes.push({
          kind: 'lost',
          key: viewKey.gpu(this.nodeId, g.index),
          uuid,
          index: g.index,
        });
      }
    return changes;
  }

  setApps(rows: GpuAppRow[]): void {
    this.apps = rows;
  }

  /** The GPU key a uuid has on this node. */
  keyOf(uuid: string): string | null {
    const g = this.gpus.get(uuid);
    return g ? viewKey.gpu(this.nodeId, g.index) : null;
  }

  /** Pids on each GPU key (for matching replicas by their actor pid). */
  pidsByGpu(): Map<string, number[]> {
    const out = new Map<string, number[]>();
    for (const a of this.apps) {
      const k = this.keyOf(a.gpuUuid);
      if (!k) continue;
      out.set(k, [...(out.get(k) ?? []), a.pid]);
    }
    return out;
  }

  samples(
    now: number,
    staleMs: number,
    replicaByPid: (pid: number) => string | null = () => null,
  ): GpuSample[] {
    const out: GpuSample[] = [];
    for (const [uuid, g] of this.gpus) {
      const processes: GpuProcess[] = this.apps
        .filter((a) => a.gpuUuid === uuid)
        .map((a) => ({
          pid: a.pid,
          usedMemoryMiB: a.usedMemoryMiB,
          replicaId: replicaByPid(a.pid),
        }));
      const r = g.row;
      out.push({
        key: viewKey.gpu(this.nodeId, g.index),
        nodeId: this.nodeId,
        index: g.index,
        uuid: r.uuid,
        name: r.name,
        // A lost GPU has no values now: the last ones would read as live.
        utilizationPct: g.lost ? null : r.utilizationPct,
        memoryUsedMiB: g.lost ? null : r.memoryUsedMiB,
        memoryTotalMiB: r.memoryTotalMiB,
        temperatureC: g.lost ? null : r.temperatureC,
        powerW: g.lost ? null : r.powerW,
        at: g.at,
        stale: !this.streamUp || now - g.at > staleMs,
        lost: g.lost,
        hot: g.hot && !g.lost,
        xid: null,
        processes,
      });
    }
    return out.sort((a, b) => a.index - b.index);
  }
}
