/**
 * The inventory on disk: `$RAYDECK_HOME/inventory.json` with clusters and their nodes. Loads
 * once, validates, and applies changes one at a time (copy -> change -> atomic write -> swap),
 * so concurrent edits never race on disk and a failed write leaves memory and disk unchanged.
 */
import { z } from 'zod';
import { Cluster, ClusterNode } from '../../shared';
import { readJsonFile, writeJsonAtomic } from '../storage/atomic-file';

const StoredCluster = Cluster.omit({ nodeCount: true }).extend({ nodeCount: z.number().optional() });
export const InventoryData = z.object({
  version: z.literal(1),
  clusters: z.array(StoredCluster),
  nodes: z.array(ClusterNode).default([]),
});
export type InventoryData = z.infer<typeof InventoryData>;

export class InventoryFile {
  private data: InventoryData | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(data: InventoryData) => void>();

  constructor(private readonly file: string) {}

  async read(): Promise<InventoryData> {
    if (!this.data) this.data = await readJsonFile(this.file, InventoryData, { version: 1, clusters: [], nodes: [] });
    return this.data;
  }

  /** Called after every successful change with the new data. */
  onChange(listener: (data: InventoryData) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  mutate<T>(change: (draft: InventoryData) => T): Promise<T> {
    const run = async () => {
      const draft: InventoryData = structuredClone(await this.read());
      const result = change(draft);
      await writeJsonAtomic(this.file, draft);
      this.data = draft;
      for (const l of this.listeners) l(draft);
      return result;
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => {});
    return next;
  }
}
