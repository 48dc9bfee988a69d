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
import { debugLogger } from '../app/debug-log';
import type { CoreContext } from './core-context';
import { appHandlers } from './handlers/app';
import { clusterHandlers } from './handlers/clusters';
import { operationHandlers } from './handlers/operations';
import { nodeHandlers } from './handlers/nodes';
import { terminalHandlers } from './handlers/terminal';
import { createTerminalRegistry } from '../terminal/terminal-service';
import { nodeImportHandlers } from './handlers/node-import';
import { nodeAccessHandlers } from './handlers/node-access';
import os from 'node:os';
import path from 'node:path';
import { SshConnectionPool, type PoolOptions } from '../ssh/connection';
import { HostKeyStore } from '../ssh/host-keys';
import { NodeAccess } from '../nodes/node-access';
import { PreflightService } from '../nodes/preflight-service';
import { BringUpService } from '../bringup/bringup-service';
import { RunStore } from '../bringup/run-store';
import { bringupHandlers } from './handlers/bringup';
import { serveHandlers } from './handlers/serve';
import { ServeApplier, type ServeConnector, type ServeTiming } from '../serve/serve-apply';
import { headServeConnector } from '../serve/serve-target';
import { modelHandlers } from './handlers/models';
import { DashboardProxies } from '../ray/dashboard-proxy';
import { ModelInventory } from '../models/model-inventory';
import { monitorHandlers } from './handlers/monitor';
import { MonitorService } from '../monitor/monitor-service';
import { PriceBook } from '../monitor/cost';
import { sshCollectors } from '../monitor/collector';
import { ServeScaler } from '../serve/serve-scale';
import { RAY_PORTS } from '../../shared/domain/bringup';
import { pipelineHandlers } from './handlers/pipeline';
import { serveFileHandlers } from './handlers/serve-files';
import { ServeFiles } from '../serve/serve-files';
import { PipelineFiles } from '../pipeline/pipeline-files';
import { headServePoster, type ServePoster } from '../pipeline/pipeline-try';
import { appBuilderBeforePut } from '../pipeline/app-builder-install';

export interface CoreOptions {
  home: string;
  mode: AppInfo['mode'];
  /** Unexpected errors; default: the debug log under the home (core/app/debug-log). */
  logger?: CoreLogger;
  /** Where remembered secrets go; default: an unencrypted 0600 file (browser mode, CLI). */
  secretVault?: SecretVault;
  /** The user's own known_hosts files (read only); default ~/.ssh/known_hosts. */
  userKnownHosts?: string[];
  /** SSH timings (tests shorten keepalives). */
  ssh?: PoolOptions;
  /** How Serve methods reach a cluster's Serve API; default: the head's dashboard through SSH (tests: a fake dashboard). */
  serveConnector?: ServeConnector;
  /** Serve apply's polling (tests shorten it). */
  serveTiming?: Partial<ServeTiming>;
  /** How `pipeline.try` POSTs to Serve's HTTP proxy; default: the head's SSH tunnel (tests: a local server). */
  servePoster?: ServePoster;
}

export interface Core extends CoreContext {
  service: CoreService;
  bringup: BringUpService;
  serve: ServeApplier;
  dispose(): void;
}

export function createCore(opts: CoreOptions): Core {
  const paths = statePaths(opts.home);
  const bus = new EventBus();
  const store = new InventoryFile(paths.inventory);
  store.watch(); // the CLI (or another window) may write the inventory while this core runs
  const inventory = new ClusterInventory(store, (clusters) =>
    bus.emit('clusters.changed', clusters),
  );
  const nodes = new NodeInventory(store, (clusterId, list) =>
    bus.emit('nodes.changed', { clusterId, nodes: list }),
  );
  const operations = new OperationRegistry(paths.operations, bus);
  const secrets = new SecretStore(
    opts.secretVault ?? new PlainFileVault(paths.secrets),
    `${paths.secrets}.lock`,
  );
  const connectionStates = new ConnectionStates(bus);
  const pool = new SshConnectionPool(opts.ssh);
  const hostKeys = new HostKeyStore({
    userKnownHosts: opts.userKnownHosts ?? [path.join(os.homedir(), '.ssh', 'known_hosts')],
    raydeckKnownHosts: paths.knownHosts,
  });
  const access = new NodeAccess({ nodes, secrets, states: connectionStates, pool, hostKeys });
  const preflight = new PreflightService(paths.preflight, nodes, access);
  const ctx: CoreContext = {
    mode: opts.mode,
    paths,
    bus,
    inventory,
    operations,
    nodes,
    secrets,
    connectionStates,
    access,
    preflight,
    nodeShells: {
      async open(nodeId, shellOpts) {
        const conn = await access.lease(nodeId);
        try {
          const channel = await conn.shell(shellOpts);
          channel.once('close', () => conn.release());
          return channel;
        } catch (err) {
          conn.release();
          throw err;
        }
      },
    },
    onNodeChanged: async (nodeId) => access.drop(nodeId),
  };
  const terminals = createTerminalRegistry(ctx);
  const bringup = new BringUpService({ nodes, access, bus, store: new RunStore(paths.bringup) });
  const clusterOps = {
    nodes,
    access,
    operations,
    onNodeRemoved: async (nodeId: string) => {
      access.drop(nodeId);
      connectionStates.forget(nodeId);
    },
  };

  const serveConnect = opts.serveConnector ?? headServeConnector(nodes, access);
  const serve = new ServeApplier({
    operations,
    historyRoot: paths.history,
    connect: serveConnect,
    via: opts.mode === 'memory' ? 'cli' : 'app',
    ...(opts.serveTiming ? { timing: opts.serveTiming } : {}),
    // A raydeck_serve config gets the app builder onto the nodes first (issue 17); a test's
    // stand-in dashboard (serveConnector) has no nodes behind it.
    ...(opts.serveConnector
      ? {}
      : { beforePut: appBuilderBeforePut(nodes, access, path.join(paths.home, 'app-builder')) }),
  });

  // Live monitoring (issue 18): collectors over the nodes' connections and the head's dashboard.
  const monitor = new MonitorService({
    bus,
    nodes,
    prices: new PriceBook(path.join(paths.home, 'monitor-prices.json')),
    collectors: sshCollectors((id) => access.lease(id), serveConnect, RAY_PORTS.metrics),
  });
  const stopMonitorOfRemoved = bus.on('clusters.changed', (clusters) =>
    monitor.forgetMissing(new Set(clusters.map((c) => c.id))),
  );
  const scaler = new ServeScaler({ connect: serveConnect, serve });

  const dashboards = new DashboardProxies({
    nodes,
    access,
    log: (line) => debugLogger(paths.debugLog).error(line),
  });
  const handlers: Handlers = {
    ...appHandlers(ctx),
    ...clusterHandlers(ctx),
    ...operationHandlers(ctx),
    ...nodeHandlers(ctx),
    ...terminalHandlers(terminals),
    ...nodeImportHandlers(ctx),
    ...nodeAccessHandlers(ctx),
    ...bringupHandlers(ctx, bringup, clusterOps, dashboards),
    ...serveHandlers(ctx, serve),
    ...serveFileHandlers(new ServeFiles()),
    ...modelHandlers(new ModelInventory(store), { nodes, access, operations }),
    ...monitorHandlers(ctx, monitor, scaler),
    ...pipelineHandlers(
      ctx,
      new PipelineFiles(paths.pipelines),
      {
        routePrefix: async (clusterId, app) =>
          (await serve.status(clusterId)).applications.find((a) => a.name === app)?.routePrefix ??
          null,
        post: opts.servePoster ?? headServePoster(nodes, access),
      },
      (clusterId) => bringup.list(clusterId),
    ),
  };

  return {
    ...ctx,
    service: new CoreService(handlers, bus, opts.logger ?? debugLogger(paths.debugLog)),
    bringup,
    serve,
    dispose() {
      stopMonitorOfRemoved();
      monitor.dispose();
      store.unwatch();
      dashboards.dispose();
      bringup.dispose();
      terminals.dispose();
      access.dispose();
      pool.closeAll();
    },
  };
}
