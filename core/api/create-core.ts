/**
 * Wires one core: state paths, event bus, the long-lived services, and every feature's handlers
 * (handlers/<feature>.ts). Every transport (IPC, WebSocket, in-memory) serves one of these;
 * `dispose()` ends it.
 */
import type { AppInfo } from '../../shared';
import { statePaths } from '../paths';
import { ClusterInventory } from '../inventory/cluster-inventory';
import { OperationRegistry } from '../operations/operation-registry';
import { InventoryFile } from '../inventory/inventory-file';
import { NodeInventory } from '../inventory/node-inventory';
import { ConnectionStates } from '../nodes/connection-states';
import { PlainFileVault, SecretStore, type SecretVault } from '../secrets/secret-store';
import { EventBus } from './event-bus';
import { CoreService, type CoreLogger, type Handlers } from './core-service';
import type { CoreContext } from './core-context';
import { appHandlers } from './handlers/app';
import { clusterHandlers } from './handlers/clusters';
import { operationHandlers } from './handlers/operations';
import { nodeHandlers } from './handlers/nodes';
import { terminalHandlers } from './handlers/terminal';
import { createTerminalRegistry } from '../terminal/terminal-service';
import { nodeImportHandlers } from './handlers/node-import';

export interface CoreOptions {
  home: string;
  mode: AppInfo['mode'];
  logger?: CoreLogger;
  /** Where remembered secrets go; default: an unencrypted 0600 file (browser mode, CLI). */
  secretVault?: SecretVault;
}

export interface Core extends CoreContext {
  service: CoreService;
  dispose(): void;
}

export function createCore(opts: CoreOptions): Core {
  const paths = statePaths(opts.home);
  const bus = new EventBus();
  const store = new InventoryFile(paths.inventory);
  const inventory = new ClusterInventory(store, (clusters) => bus.emit('clusters.changed', clusters));
  const nodes = new NodeInventory(store, (clusterId, list) => bus.emit('nodes.changed', { clusterId, nodes: list }));
  const operations = new OperationRegistry(paths.operations, bus);
  const secrets = new SecretStore(opts.secretVault ?? new PlainFileVault(paths.secrets));
  const connectionStates = new ConnectionStates(bus);
  const ctx: CoreContext = { mode: opts.mode, paths, bus, inventory, operations, nodes, secrets, connectionStates };
  const terminals = createTerminalRegistry(ctx);

  const handlers: Handlers = {
    ...appHandlers(ctx),
    ...clusterHandlers(ctx),
    ...operationHandlers(ctx),
    ...nodeHandlers(ctx),
    ...terminalHandlers(terminals),
    ...nodeImportHandlers(ctx),
  };

  return {
    ...ctx,
    service: new CoreService(handlers, bus, opts.logger),
    dispose() {
      terminals.dispose();
    },
  };
}
