/**
 * Wires one core: state paths, event bus, inventory, operations and the method handlers.
 * Every transport (IPC, WebSocket, in-memory) serves one of these; `dispose()` ends it.
 */
import os from 'node:os';
import type { AppInfo, LocalCheckResult } from '../../shared';
import { statePaths } from '../paths';
import { raydeckVersion } from '../version';
import { ClusterInventory } from '../inventory/cluster-inventory';
import { OperationRegistry } from '../operations/operation-registry';
import { runLocalChecks } from '../app/local-checks';
import { EventBus } from './event-bus';
import { CoreService, type CoreLogger, type Handlers } from './core-service';

export interface CoreOptions {
  home: string;
  mode: AppInfo['mode'];
  logger?: CoreLogger;
}

export interface Core {
  service: CoreService;
  bus: EventBus;
  operations: OperationRegistry;
  inventory: ClusterInventory;
  dispose(): void;
}

export function createCore(opts: CoreOptions): Core {
  const paths = statePaths(opts.home);
  const bus = new EventBus();
  const inventory = new ClusterInventory(paths.inventory, (clusters) => bus.emit('clusters.changed', clusters));
  const operations = new OperationRegistry(paths.operations, bus);
  let lastLocalChecks: LocalCheckResult[] = [];

  const handlers: Handlers = {
    'app.info': async () => ({
      name: 'Raydeck',
      version: raydeckVersion(),
      mode: opts.mode,
      home: paths.home,
      platform: `${os.platform()} ${os.arch()}`,
    }),
    'app.checkLocal': async () => {
      const operationId = await operations.start('local-check', 'Check this machine', async (ctx) => {
        lastLocalChecks = await runLocalChecks(paths.home, ctx);
        if (lastLocalChecks.some((r) => r.status === 'fail')) {
          throw new Error(lastLocalChecks.filter((r) => r.status === 'fail').map((r) => `${r.name}: ${r.detail}`).join('; '));
        }
      });
      return { operationId };
    },
    'app.localChecks': async () => lastLocalChecks,
    'clusters.list': () => inventory.list(),
    'clusters.create': ({ name }) => inventory.create(name),
    'clusters.rename': ({ id, name }) => inventory.rename(id, name),
    'clusters.remove': async ({ id }) => {
      await inventory.remove(id);
      return { removed: true as const };
    },
    'operations.list': () => operations.list(),
    'operations.get': ({ id }) => operations.get(id),
    'operations.logs': ({ id, tail }) => operations.logs(id, tail),
    'operations.cancel': ({ id }) => operations.cancel(id),
  };

  return {
    service: new CoreService(handlers, bus, opts.logger),
    bus,
    operations,
    inventory,
    dispose() {},
  };
}
