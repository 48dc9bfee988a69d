/**
 * How the core reaches a cluster's Serve: the head node's SSH connection (leased from
 * NodeAccess, released after the task), the dashboard through a forwardOut tunnel with the
 * head's Ray auth token (core/bringup/head-dashboard.ts), and the Serve REST API on top. The
 * browser never talks to Ray: the dashboard refuses browser-like writes, and it listens on the
 * head's 127.0.0.1 only.
 */
import { RaydeckError } from '../../shared';
import { dashboardFor } from '../bringup/head-dashboard';
import type { NodeInventory } from '../inventory/node-inventory';
import type { NodeAccess } from '../nodes/node-access';
import { summarizeNodes, type RayActorRecord, type RayNodeRecord } from '../ray/dashboard-client';
import { ServeApi } from '../ray/serve-api';
import type { ServeConnection } from './serve-apply';

/** A Serve connection that also lists Ray's nodes (the monitor and the scaling fit preview) and actors (the monitor's GPU -> replica). */
export type ServeConnectionWithNodes = ServeConnection & {
  nodes?: () => Promise<RayNodeRecord[]>;
  actors?: () => Promise<RayActorRecord[]>;
};
export type ServeConnectorWithNodes = (clusterId: string) => Promise<ServeConnectionWithNodes>;

export function headServeConnector(
  nodes: NodeInventory,
  access: NodeAccess,
): ServeConnectorWithNodes {
  return async (clusterId) => {
    const head = (await nodes.list(clusterId)).find((n) => n.role === 'head');
    if (!head)
      throw new RaydeckError({
        code: 'conflict',
        message: 'The cluster has no head node: Serve runs on the head.',
      });
    const conn = await access.lease(head.id);
    try {
      const dashboard = await dashboardFor(conn);
      return {
        api: new ServeApi((method, path, body) => dashboard.request(method, path, body)),
        gpus: async () => summarizeNodes(await dashboard.nodes()).gpus,
        nodes: () => dashboard.nodes(),
        actors: () => dashboard.actors(),
        release: () => conn.release(),
      };
    } catch (err) {
      conn.release();
      throw err;
    }
  };
}
