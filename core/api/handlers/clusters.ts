/** Handlers for clusters.*: the cluster inventory. */
import type { clusterMethods } from '../../../shared/contract/cluster-methods';
import type { CoreContext, HandlersFor } from '../core-context';

export function clusterHandlers(ctx: CoreContext): HandlersFor<keyof typeof clusterMethods> {
  const { inventory } = ctx;
  return {
    'clusters.list': () => inventory.list(),
    'clusters.create': ({ name }) => inventory.create(name),
    'clusters.rename': ({ id, name }) => inventory.rename(id, name),
    'clusters.remove': async ({ id }) => {
      await inventory.remove(id);
      return { removed: true as const };
    },
  };
}
