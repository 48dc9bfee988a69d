/** Handlers for models.*: a cluster's models and placing them on nodes. */
import type { modelMethods } from '../../../shared/contract/model-methods';
import type { ModelInventory } from '../../models/model-inventory';
import { placeModel, type PlacementDeps } from '../../models/model-placement';
import type { HandlersFor } from '../core-context';

export function modelHandlers(
  models: ModelInventory,
  placement: PlacementDeps,
): HandlersFor<keyof typeof modelMethods> {
  return {
    'models.list': ({ clusterId }) => models.list(clusterId),
    'models.add': ({ clusterId, name, source }) => models.add(clusterId, name, source),
    'models.remove': async ({ id }) => {
      await models.remove(id);
      return { removed: true as const };
    },
    'models.place': async ({ id, nodeIds }) => ({
      operationId: await placeModel(placement, await models.get(id), nodeIds),
    }),
  };
}
