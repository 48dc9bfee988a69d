/** Handlers for the nodes inventory: list (with connection state), add, update, remove, secrets. */
import type { nodeMethods } from '../../../shared/contract/node-methods';
import type { CoreContext, HandlersFor } from '../core-context';

export function nodeHandlers(ctx: CoreContext): HandlersFor<keyof typeof nodeMethods> {
  const { nodes, secrets, connectionStates } = ctx;
  return {
    'nodes.list': async ({ clusterId }) =>
      (await nodes.list(clusterId)).map((n) => ({ ...n, connection: connectionStates.get(n.id) })),
    'nodes.add': async ({ clusterId, secret, rememberSecret, ...fields }) => {
      const node = await nodes.add({ clusterId, ...fields }, secret !== undefined);
      if (secret !== undefined) await secrets.set(node.id, secret, rememberSecret);
      return node;
    },
    'nodes.update': async ({ id, secret, rememberSecret, ...patch }) => {
      if (secret !== undefined) await secrets.set(id, secret, rememberSecret ?? false);
      const node = await nodes.update(
        id,
        secret !== undefined ? { ...patch, hasSecret: true } : patch,
      );
      await ctx.onNodeChanged?.(id);
      // New settings mean a new connection: the old state no longer describes this node.
      connectionStates.set(id, { state: 'idle' });
      return node;
    },
    'nodes.remove': async ({ id }) => {
      await nodes.remove(id);
      await secrets.delete(id);
      connectionStates.forget(id);
      await ctx.onNodeChanged?.(id);
      return { removed: true as const };
    },
    'nodes.setSecret': async ({ id, secret, remember }) => {
      await nodes.get(id);
      await secrets.set(id, secret, remember);
      const node = await nodes.update(id, { hasSecret: true });
      await ctx.onNodeChanged?.(id);
      connectionStates.set(id, { state: 'idle' });
      return node;
    },
  };
}
