/**
 * What feature handlers get from the core: state paths, the event bus, and the long-lived
 * services. Each feature adds its services here and its handlers in handlers/<feature>.ts.
 */
import type { AppInfo } from '../../shared';
import type { StatePaths } from '../paths';
import type { ClusterInventory } from '../inventory/cluster-inventory';
import type { OperationRegistry } from '../operations/operation-registry';
import type { NodeInventory } from '../inventory/node-inventory';
import type { SecretStore } from '../secrets/secret-store';
import type { ConnectionStates } from '../nodes/connection-states';
import type { NodeAccess } from '../nodes/node-access';
import type { PreflightService } from '../nodes/preflight-service';
import type { EventBus } from './event-bus';
import type { NodeShells } from '../terminal/terminal-service';
import type { Handlers } from './core-service';

export interface CoreContext {
  mode: AppInfo['mode'];
  paths: StatePaths;
  bus: EventBus;
  inventory: ClusterInventory;
  operations: OperationRegistry;
  nodes: NodeInventory;
  secrets: SecretStore;
  connectionStates: ConnectionStates;
  access: NodeAccess;
  preflight: PreflightService;
  /** Shells on nodes for terminals: a channel on the node's pooled SSH connection. */
  nodeShells: NodeShells;
  /** Called after a node's settings or secret changed or it was removed (drops its connection). */
  onNodeChanged?: (nodeId: string) => Promise<void>;
}

/** The handlers for a subset of methods (a feature's share of the contract). */
export type HandlersFor<K extends keyof Handlers> = Pick<Handlers, K>;
