/**
 * The inventory of clusters, persisted atomically in `$RAYDECK_HOME/inventory.json`.
 * Writes are serialized so two quick changes never race each other on disk.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Cluster, RaydeckError } from '../../shared';
import { readJsonFile, writeJsonAtomic } from '../storage/atomic-file';

const InventoryFile = z.object({ version: z.literal(1), clusters: z.array(Cluster) });
type InventoryFile = z.infer<typeof InventoryFile>;

export class ClusterInventory {
  private data: InventoryFile | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly onChange: (clusters: Cluster[]) => void = () => {},
  ) {}

  async list(): Promise<Cluster[]> {
    const data = await this.load();
    return data.clusters.map((c) => ({ ...c }));
  }

  async get(id: string): Promise<Cluster> {
    const found = (await this.load()).clusters.find((c) => c.id === id);
    if (!found) throw new RaydeckError({ code: 'not_found', message: `No cluster with id ${id}.` });
    return { ...found };
  }

  create(name: string): Promise<Cluster> {
    return this.mutate((data) => {
      this.assertFreeName(data, name);
      const cluster: Cluster = { id: randomUUID(), name, createdAt: new Date().toISOString(), nodeCount: 0 };
      data.clusters.push(cluster);
      return cluster;
    });
  }

  rename(id: string, name: string): Promise<Cluster> {
    return this.mutate((data) => {
      const cluster = data.clusters.find((c) => c.id === id);
      if (!cluster) throw new RaydeckError({ code: 'not_found', message: `No cluster with id ${id}.` });
      if (cluster.name !== name) this.assertFreeName(data, name);
      cluster.name = name;
      return { ...cluster };
    });
  }

  remove(id: string): Promise<void> {
    return this.mutate((data) => {
      const index = data.clusters.findIndex((c) => c.id === id);
      if (index < 0) throw new RaydeckError({ code: 'not_found', message: `No cluster with id ${id}.` });
      data.clusters.splice(index, 1);
    });
  }

  private assertFreeName(data: InventoryFile, name: string) {
    if (data.clusters.some((c) => c.name.toLowerCase() === name.toLowerCase())) {
      throw new RaydeckError({
        code: 'conflict',
        message: `A cluster named "${name}" already exists.`,
        issues: [{ path: 'name', message: 'is already used by another cluster' }],
      });
    }
  }

  private async load(): Promise<InventoryFile> {
    if (!this.data) this.data = await readJsonFile(this.file, InventoryFile, { version: 1, clusters: [] });
    return this.data;
  }

  /** Applies `change` to a copy, writes it, and only then makes it the current state. */
  private mutate<T>(change: (data: InventoryFile) => T): Promise<T> {
    const run = async () => {
      const current = await this.load();
      const draft: InventoryFile = structuredClone(current);
      const result = change(draft);
      await writeJsonAtomic(this.file, draft);
      this.data = draft;
      this.onChange(draft.clusters.map((c) => ({ ...c })));
      return result;
    };
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => {});
    return next;
  }
}
