/** Handlers for bring-up runs and day-2 cluster operations (status, stop, start, down, remove a worker). */
import type { bringupMethods } from '../../../shared/contract/bringup-methods';
import type { BringUpService } from '../../bringup/bringup-service';
import { clusterStatus } from '../../bringup/head-dashboard';
import {
  removeWorker,
  stopCluster,
  tearDownCluster,
  type ClusterOpsDeps,
} from '../../bringup/cluster-ops';
import type { CoreContext, HandlersFor } from '../core-context';
import type { DashboardProxies } from '../../ray/dashboard-proxy';

export function bringupHandlers(
  ctx: CoreContext,
  bringup: BringUpService,
  ops: ClusterOpsDeps,
  dashboards: DashboardProxies,
): HandlersFor<keyof typeof bringupMethods> {
  return {
    'cluster.dashboard': async ({ clusterId }) => {
      await ctx.inventory.get(clusterId);
      return dashboards.open(clusterId);
    },
    'bringup.plan': async ({ clusterId, options }) => {
      await ctx.inventory.get(clusterId);
      return bringup.plan(clusterId, options);
    },
    'bringup.start': async ({ clusterId, options }) => {
      await ctx.inventory.get(clusterId);
      return bringup.start(clusterId, options);
    },
    'bringup.get': ({ runId }) => bringup.get(runId),
    'bringup.list': async ({ clusterId }) => {
      await ctx.inventory.get(clusterId);
      return bringup.list(clusterId);
    },
    'bringup.retry': ({ runId, nodeId }) => bringup.retry(runId, nodeId),
    'bringup.cancel': ({ runId }) => bringup.cancel(runId),
    'bringup.logs': ({ runId, nodeId, step }) => bringup.logs(runId, nodeId, step),
    'cluster.status': async ({ clusterId }) => {
      await ctx.inventory.get(clusterId);
      return clusterStatus(clusterId, await ctx.nodes.list(clusterId), ctx.access);
    },
    'cluster.stop': async ({ clusterId }) => {
      await ctx.inventory.get(clusterId);
      return { operationId: await stopCluster(ops, clusterId) };
    },
    'cluster.start': async ({ clusterId }) => {
      // Starts what is installed on the nodes (whoever installed it: this $RAYDECK_HOME's
      // history is not asked); a node without a finished install says to bring the cluster up.
      await ctx.inventory.get(clusterId);
      const last = (await bringup.list(clusterId)).find((r) => r.state === 'succeeded');
      return bringup.start(clusterId, {
        source: last?.options.source ?? { kind: 'pypi' },
        withVllm: last?.options.withVllm ?? false,
        startOnly: true,
      });
    },
    'cluster.down': async ({ clusterId, uninstall }) => {
      await ctx.inventory.get(clusterId);
      return { operationId: await tearDownCluster(ops, clusterId, uninstall) };
    },
    'cluster.removeWorker': async ({ nodeId }) => ({
      operationId: await removeWorker(ops, nodeId),
    }),
  };
}
