/** The clusters of the inventory: create, rename, remove (removing a cluster removes its nodes). */
import { randomUUID } from 'node:crypto';
import { RaydeckError, type Cluster } from '../../shared';
import { InventoryFile, type InventoryData } from './inventory-file';

export function clustersOf(data: InventoryData): Cluster[] {
  return data.clusters.map((c) => ({
    ...c,
    nodeCount: data.nodes.filter((n) => n.clusterId === c.id).length,
  }));
}

export class ClusterInventory {
  constructor(
    readonly store: InventoryFile,
    onChange: (clusters: Cluster[]) => void = () => {},
  ) {
    store.onChange((data) => onChange(clustersOf(data)));
  }

  async list(): Promise<Cluster[]> {
    return clustersOf(await this.store.read());
  }

  async get(id: string): Promise<Cluster> {
    const found = (await this.list()).find((c) => c.id === id);
    if (!found) throw new RaydeckError({ code: 'not_found', message: `No cluster with id ${id}.` });
    return found;
  }

  create(name: string): Promise<Cluster> {
    return this.store.mutate((data) => {
      assertFreeName(data, name);
      const cluster = { id: randomUUID(), name, createdAt: new Date().toISOString() };
      data.clusters.push(cluster);
      return { ...cluster, nodeCount: 0 };
    });
  }

  rename(id: string, name: string): Promise<Cluster> {
    return this.store.mutate((data) => {
      const cluster = data.clusters.find((c) => c.id === id);
      if (!cluster)
        throw new RaydeckError({ code: 'not_found', message: `No cluster with id ${id}.` });
      if (cluster.name !== name) assertFreeName(data, name);
      cluster.name = name;
      return clustersOf(data).find((c) => c.id === id)!;
    });
  }

  remove(id: string): Promise<void> {
    return this.store.mutate((data) => {
      const index = data.clusters.findIndex((c) => c.id === id);
      if (index < 0)
        throw new RaydeckError({ code: 'not_found', message: `No cluster with id ${id}.` });
      data.clusters.splice(index, 1);
      data.nodes = data.nodes.filter((n) => n.clusterId !== id);
      data.models = data.models.filter((m) => m.clusterId !== id);
    });
  }
}

function assertFreeName(data: InventoryData, name: string) {
  if (data.clusters.some((c) => c.name.toLowerCase() === name.toLowerCase())) {
    throw new RaydeckError({
      code: 'conflict',
      message: `A cluster named "${name}" already exists.`,
      issues: [{ path: 'name', message: 'is already used by another cluster' }],
    });
  }
}
