/** Handlers for operations.*: list, inspect, logs, cancel. */
import type { operationMethods } from '../../../shared/contract/operation-methods';
import type { CoreContext, HandlersFor } from '../core-context';

export function operationHandlers(ctx: CoreContext): HandlersFor<keyof typeof operationMethods> {
  const { operations } = ctx;
  return {
    'operations.list': () => operations.list(),
    'operations.get': ({ id }) => operations.get(id),
    'operations.logs': ({ id, tail }) => operations.logs(id, tail),
    'operations.cancel': ({ id }) => operations.cancel(id),
  };
}
