/** Handlers for reaching nodes: connect, host keys (probe and explicit trust), preflight. */
import type { nodeAccessMethods } from '../../../shared/contract/node-methods';
import type { CoreContext, HandlersFor } from '../core-context';

export function nodeAccessHandlers(ctx: CoreContext): HandlersFor<keyof typeof nodeAccessMethods> {
  const { access, preflight } = ctx;
  return {
    'nodes.connect': ({ id }) => access.connect(id),
    'nodes.hostKey': ({ id }) => access.hostKey(id),
    'nodes.trust': ({ id, fingerprint }) => access.trust(id, fingerprint),
    'nodes.check': async ({ clusterId, nodeIds }) => {
      await ctx.inventory.get(clusterId);
      const operationId = await ctx.operations.start(
        'preflight',
        'Preflight checks',
        async (op) => {
          await preflight.run(clusterId, nodeIds, op);
        },
        { clusterId },
      );
      return { operationId };
    },
    'nodes.preflight': ({ clusterId }) => preflight.latest(clusterId),
  };
}
