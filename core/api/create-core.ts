/**
 * Wires one core: state paths, event bus, the long-lived services, and every feature's handlers
 * (handlers/<feature>.ts). Every transport (IPC, WebSocket, in-memory) serves one of these;
 * `dispose()` ends it.
 */
import type { AppInfo } from '../../shared';
import { statePaths } from '../paths';
import { ClusterInventory } from '../inventory/cluster-inventory';
import { OperationRegistry } from '../operations/operation-registry';
import { EventBus } from './event-bus';
import { CoreService, type CoreLogger, type Handlers } from './core-service';
import type { CoreContext } from './core-context';
import { appHandlers } from './handlers/app';
import { clusterHandlers } from './handlers/clusters';
import { operationHandlers } from './handlers/operations';

export interface CoreOptions {
  home: string;
  mode: AppInfo['mode'];
  logger?: CoreLogger;
}

export interface Core extends CoreContext {
  service: CoreService;
  dispose(): void;
}

export function createCore(opts: CoreOptions): Core {
  const paths = statePaths(opts.home);
  const bus = new EventBus();
  const inventory = new ClusterInventory(paths.inventory, (clusters) => bus.emit('clusters.changed', clusters));
  const operations = new OperationRegistry(paths.operations, bus);
  const ctx: CoreContext = { mode: opts.mode, paths, bus, inventory, operations };

  const handlers: Handlers = {
    ...appHandlers(ctx),
    ...clusterHandlers(ctx),
    ...operationHandlers(ctx),
  };

  return {
    ...ctx,
    service: new CoreService(handlers, bus, opts.logger),
    dispose() {},
  };
}
