/** Handlers for Ray Serve on a cluster: validate, status, diff, apply, history, get, rollback (core/serve). */
import type { serveMethods } from '../../../shared/contract/serve-methods';
import type { ServeApplier } from '../../serve/serve-apply';
import type { CoreContext, HandlersFor } from '../core-context';

export function serveHandlers(
  ctx: CoreContext,
  serve: ServeApplier,
): HandlersFor<keyof typeof serveMethods> {
  return {
    'serve.validate': async ({ text, gpus }) => {
      const { ok, format, diagnostics } = serve.validate(text, gpus);
      return { ok, format, diagnostics };
    },
    'serve.status': async ({ clusterId }) => {
      await ctx.inventory.get(clusterId);
      return serve.status(clusterId);
    },
    'serve.diff': async ({ clusterId, text }) => {
      await ctx.inventory.get(clusterId);
      return serve.diff(clusterId, text);
    },
    'serve.apply': async ({ clusterId, text, wait, autoRollbackS, expectDeletes }) => {
      await ctx.inventory.get(clusterId);
      return serve.apply(clusterId, text, {
        wait: wait || autoRollbackS !== null,
        autoRollbackS,
        ...(expectDeletes ? { expectDeletes } : {}),
      });
    },
    'serve.history': async ({ clusterId }) => {
      await ctx.inventory.get(clusterId);
      return serve.history(clusterId).list();
    },
    'serve.get': async ({ clusterId, version }) => {
      await ctx.inventory.get(clusterId);
      const history = serve.history(clusterId);
      return { entry: await history.entry(version), text: await history.text(version) };
    },
    'serve.rollback': async ({ clusterId, version, wait }) => {
      await ctx.inventory.get(clusterId);
      return serve.rollback(clusterId, version, { wait });
    },
  };
}
