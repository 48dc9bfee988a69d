/**
 * What the monitor knows of one node's GPUs, from its nvidia-smi stream blocks: each GPU by
 * UUID (nvidia-smi renumbers the indices when one drops out, so the index a GPU was first seen
 * with stays its key), its last values, lost (was there, missing from a whole block), hot (at or
 * over the threshold), stale (no block for ~3 periods or the stream is down), the compute
 * processes on it (each with the Serve replica actor it runs under: the process itself, or a
 * parent — vLLM's EngineCore and workers are children of the replica actor), its PCI bus id and
 * the last Xid error the kernel logged for that bus.
 */
import type { GpuProcess, GpuSample } from '../../shared/domain/monitor';
import { viewKey } from '../../shared/domain/monitor';
import type { AppBlock, GpuAppRow, GpuBlock, GpuRow } from './nvidia-smi';
import { xidBusId, xidLabel, type XidEvent } from './xid';

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
  private chains = new Map<number, number[]>();
  /** GPU uuid -> PCI bus id in Xid form; kept when a GPU drops out (Xid 79 comes after). */
  private readonly busByUuid = new Map<string, string>();
  /** The last Xid per PCI bus id (it may arrive before the bus ids are known). */
  private readonly xidByBus = new Map<string, { code: number; at: number; text: string }>();
  /** Pid (a compute app or any parent of one) -> the GPU keys of the compute apps under it. */
  private under: Map<number, Set<string>> | null = null;
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
        this.under = null; // compute apps seen before this GPU map to it now
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

  setApps(block: AppBlock): void {
    this.apps = block.apps;
    this.chains = block.chains;
    for (const [uuid, bus] of block.busIds) {
      const b = xidBusId(bus);
      if (b) this.busByUuid.set(uuid, b);
    }
    this.under = null;
  }

  /** The key a uuid has on this node. */
  keyOf(uuid: string): string | null {
    const g = this.gpus.get(uuid);
    return g ? viewKey.gpu(this.nodeId, g.index) : null;
  }

  private chainOf(pid: number): number[] {
    return this.chains.get(pid) ?? [pid];
  }

  /** GPU keys whose compute apps are `pid` or run under it (a replica actor's pid). */
  gpusUnder(pid: number): string[] {
    if (!this.under) {
      this.under = new Map();
      for (const a of this.apps) {
        const k = this.keyOf(a.gpuUuid);
        if (!k) continue;
        for (const p of this.chainOf(a.pid)) {
          const set = this.under.get(p) ?? new Set();
          set.add(k);
          this.under.set(p, set);
        }
      }
    }
    return [...(this.under.get(pid) ?? [])];
  }

  /** Records an Xid (at: Unix ms); returns the GPU it names when its bus id is known here. */
  applyXid(x: XidEvent, at: number): { key: string; index: number; uuid: string } | null {
    this.xidByBus.set(x.busId, { code: x.code, at, text: x.text });
    for (const [uuid, bus] of this.busByUuid) {
      const g = this.gpus.get(uuid);
      if (bus === x.busId && g)
        return { key: viewKey.gpu(this.nodeId, g.index), index: g.index, uuid };
    }
    return null;
  }

  /**
   * The GPUs now. A process belongs to the replica whose actor is the process or one of its
   * parents (`replicaByPid`), else to the replica whose placement group it or a parent is an
   * actor of (`replicaByGroup`: vLLM's Ray workers; actorPid stays null, no replica actor is
   * above it).
   */
  samples(
    now: number,
    staleMs: number,
    replicaByPid: (pid: number) => string | null = () => null,
    replicaByGroup: (pid: number) => string | null = () => null,
  ): GpuSample[] {
    const out: GpuSample[] = [];
    for (const [uuid, g] of this.gpus) {
      const processes: GpuProcess[] = this.apps
        .filter((a) => a.gpuUuid === uuid)
        .map((a) => {
          // The first of the process and its parents that is a replica actor.
          for (const p of this.chainOf(a.pid)) {
            const replicaId = replicaByPid(p);
            if (replicaId)
              return { pid: a.pid, usedMemoryMiB: a.usedMemoryMiB, replicaId, actorPid: p };
          }
          // Else the first of them that is an actor in a replica's placement group.
          for (const p of this.chainOf(a.pid)) {
            const replicaId = replicaByGroup(p);
            if (replicaId)
              return { pid: a.pid, usedMemoryMiB: a.usedMemoryMiB, replicaId, actorPid: null };
          }
          return { pid: a.pid, usedMemoryMiB: a.usedMemoryMiB, replicaId: null, actorPid: null };
        });
      const r = g.row;
      const bus = this.busByUuid.get(uuid) ?? null;
      const xid = bus ? this.xidByBus.get(bus) : undefined;
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
        xid: xid?.code ?? null,
        xidAt: xid?.at ?? null,
        xidMessage: xid ? `${xidLabel(xid.code)}: ${xid.text}` : null,
        pciBusId: bus,
        processes,
      });
    }
    return out.sort((a, b) => a.index - b.index);
  }
}
