/** A cluster's models in the inventory (inventory.json, under its lock): list, add, remove. */
import { randomUUID } from 'node:crypto';
import { RaydeckError, type ClusterModel, type ModelSource } from '../../shared';
import type { InventoryFile } from '../inventory/inventory-file';

export class ModelInventory {
  constructor(private readonly store: InventoryFile) {}

  async list(clusterId: string): Promise<ClusterModel[]> {
    const data = await this.store.read();
    if (!data.clusters.some((c) => c.id === clusterId))
      throw new RaydeckError({ code: 'not_found', message: `No cluster with id ${clusterId}.` });
    return data.models.filter((m) => m.clusterId === clusterId).map((m) => ({ ...m }));
  }

  async get(id: string): Promise<ClusterModel> {
    const model = (await this.store.read()).models.find((m) => m.id === id);
    if (!model) throw new RaydeckError({ code: 'not_found', message: `No model with id ${id}.` });
    return { ...model };
  }

  add(clusterId: string, name: string, source: ModelSource): Promise<ClusterModel> {
    return this.store.mutate((data) => {
      if (!data.clusters.some((c) => c.id === clusterId))
        throw new RaydeckError({ code: 'not_found', message: `No cluster with id ${clusterId}.` });
      if (
        data.models.some(
          (m) => m.clusterId === clusterId && m.name.toLowerCase() === name.toLowerCase(),
        )
      ) {
        throw new RaydeckError({
          code: 'conflict',
          message: `The cluster already has a model named "${name}".`,
          issues: [{ path: 'name', message: 'is already used by another model of this cluster' }],
        });
      }
      const model: ClusterModel = {
        id: randomUUID(),
        clusterId,
        name,
        source,
        createdAt: new Date().toISOString(),
      };
      data.models.push(model);
      return { ...model };
    });
  }

  remove(id: string): Promise<void> {
    return this.store.mutate((data) => {
      const index = data.models.findIndex((m) => m.id === id);
      if (index < 0)
        throw new RaydeckError({ code: 'not_found', message: `No model with id ${id}.` });
      data.models.splice(index, 1);
    });
  }
}
