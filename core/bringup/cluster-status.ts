/**
 * What `cluster status` says about the Ray nodes, from the head's node list and the inventory:
 * one row per node address (Ray keeps a DEAD entry for every earlier raylet of a node; a node
 * alive again shows once, alive), and `degraded` with the names of the inventory's Ray nodes
 * that are not alive while the head runs. Pure: the tunnel and the requests live in
 * head-dashboard.ts.
 */
import net from 'node:net';
import type { ClusterNode, ClusterStatus, RayNodeStatus } from '../../shared';
import { summarizeNodes, type RayNodeRecord } from '../ray/dashboard-client';

/** Ray's records with the DEAD entries of a node that is ALIVE again left out, one row per address. */
export function currentRecords(records: RayNodeRecord[]): RayNodeRecord[] {
  const byIp = new Map<string, RayNodeRecord[]>();
  for (const r of records) byIp.set(r.node_ip, [...(byIp.get(r.node_ip) ?? []), r]);
  return [...byIp.values()].map(
    (list) => list.find((r) => r.state === 'ALIVE') ?? list[list.length - 1]!,
  );
}

export function runningStatus(
  clusterId: string,
  rayVersion: string,
  records: RayNodeRecord[],
  inventory: ClusterNode[],
): ClusterStatus {
  const current = currentRecords(records);
  const byHost = new Map(inventory.map((n) => [n.host, n]));
  const nodes: RayNodeStatus[] = current.map((r) => {
    const inv = byHost.get(r.node_ip);
    return {
      nodeId: inv?.id ?? null,
      name: inv?.name ?? r.node_name ?? r.node_ip,
      ip: r.node_ip,
      rayNodeId: r.node_id,
      alive: r.state === 'ALIVE',
      isHead: r.is_head_node,
      gpus: r.resources_total.GPU ?? 0,
      cpus: r.resources_total.CPU ?? 0,
    };
  });
  const alive = new Set(current.filter((r) => r.state === 'ALIVE').map((r) => r.node_ip));
  // A node named by a hostname cannot be matched to Ray's IPs: it is not judged here.
  const down = inventory
    .filter((n) => n.role !== 'jump' && net.isIP(n.host) !== 0 && !alive.has(n.host))
    .map((n) => n.name);
  const summary = summarizeNodes(current);
  const counts = `Ray ${rayVersion}: ${summary.alive} node${summary.alive === 1 ? '' : 's'}, ${summary.gpus} GPU${summary.gpus === 1 ? '' : 's'}`;
  const base = {
    clusterId,
    dashboardReachable: true,
    rayVersion,
    nodes,
    aliveNodes: summary.alive,
    gpus: summary.gpus,
    downNodes: down,
  };
  if (down.length === 0) return { ...base, state: 'running', detail: counts };
  return {
    ...base,
    state: 'degraded',
    detail: `${counts}; not running on ${down.join(', ')} (Start rejoins ${down.length === 1 ? 'it' : 'them'})`,
  };
}
