/**
 * The nodes of the inventory: add, update, remove, with the rules a user would expect — unique
 * names per cluster, one head per cluster, a jump host must be another node of the same cluster
 * and jump chains must not loop.
 */
import { randomUUID } from 'node:crypto';
import { RaydeckError, type ClusterNode } from '../../shared';
import type { InventoryData, InventoryFile } from './inventory-file';

export type NewNode = Omit<
  ClusterNode,
  'id' | 'createdAt' | 'hasSecret' | 'vouchedFingerprints'
> & { vouchedFingerprints?: string[] };
/** An imported node: `ref` names it for the others, `jumpRef` is the ref (or an existing node's name) of its jump host. */
export type ImportedNode = Omit<NewNode, 'jumpNodeId'> & { ref: string; jumpRef: string | null };
export type NodePatch = Partial<Omit<ClusterNode, 'id' | 'clusterId' | 'createdAt'>>;

export class NodeInventory {
  constructor(
    readonly store: InventoryFile,
    onChange: (clusterId: string, nodes: ClusterNode[]) => void = () => {},
  ) {
    let previous = new Map<string, string>();
    store.onChange((data) => {
      // Emit per cluster whose nodes changed.
      const next = new Map<string, string>();
      for (const c of data.clusters)
        next.set(c.id, JSON.stringify(data.nodes.filter((n) => n.clusterId === c.id)));
      for (const [clusterId, json] of next)
        if (previous.get(clusterId) !== json)
          onChange(clusterId, JSON.parse(json) as ClusterNode[]);
      previous = next;
    });
  }

  async list(clusterId: string): Promise<ClusterNode[]> {
    const data = await this.store.read();
    if (!data.clusters.some((c) => c.id === clusterId))
      throw new RaydeckError({ code: 'not_found', message: `No cluster with id ${clusterId}.` });
    return data.nodes.filter((n) => n.clusterId === clusterId).map((n) => ({ ...n }));
  }

  async get(id: string): Promise<ClusterNode> {
    const node = (await this.store.read()).nodes.find((n) => n.id === id);
    if (!node) throw new RaydeckError({ code: 'not_found', message: `No node with id ${id}.` });
    return { ...node };
  }

  add(fields: NewNode, hasSecret = false): Promise<ClusterNode> {
    return this.store.mutate((data) => {
      const node: ClusterNode = {
        vouchedFingerprints: [],
        ...fields,
        id: randomUUID(),
        hasSecret,
        createdAt: new Date().toISOString(),
      };
      validate(data, node);
      data.nodes.push(node);
      return { ...node };
    });
  }

  /**
   * Adds imported nodes in one write, all or nothing. Items come jump hosts first; `jumpRef`
   * resolves to an item added earlier in the batch or to an existing node of the cluster by name.
   */
  addImported(clusterId: string, items: ImportedNode[]): Promise<ClusterNode[]> {
    return this.store.mutate((data) => {
      const byRef = new Map<string, string>();
      for (const n of data.nodes) if (n.clusterId === clusterId) byRef.set(n.name, n.id);
      const added: ClusterNode[] = [];
      for (const { ref, jumpRef, ...fields } of items) {
        const jumpNodeId = jumpRef === null ? null : (byRef.get(jumpRef) ?? null);
        if (jumpRef !== null && jumpNodeId === null) {
          throw new RaydeckError({
            code: 'conflict',
            message: `${fields.name}: its jump host "${jumpRef}" is not part of this import or cluster.`,
          });
        }
        const node: ClusterNode = {
          vouchedFingerprints: [],
          ...fields,
          clusterId,
          jumpNodeId,
          id: randomUUID(),
          hasSecret: false,
          createdAt: new Date().toISOString(),
        };
        validate(data, node);
        data.nodes.push(node);
        byRef.set(ref, node.id);
        added.push({ ...node });
      }
      return added;
    });
  }

  update(id: string, patch: NodePatch): Promise<ClusterNode> {
    return this.store.mutate((data) => {
      const node = data.nodes.find((n) => n.id === id);
      if (!node) throw new RaydeckError({ code: 'not_found', message: `No node with id ${id}.` });
      const next: ClusterNode = { ...node, ...stripUndefined(patch) };
      validate(data, next);
      Object.assign(node, next);
      return { ...node };
    });
  }

  remove(id: string): Promise<ClusterNode> {
    return this.store.mutate((data) => {
      const index = data.nodes.findIndex((n) => n.id === id);
      if (index < 0)
        throw new RaydeckError({ code: 'not_found', message: `No node with id ${id}.` });
      const users = data.nodes.filter((n) => n.jumpNodeId === id);
      if (users.length) {
        throw new RaydeckError({
          code: 'conflict',
          message: `${data.nodes[index]!.name} is the jump host of ${users.map((u) => u.name).join(', ')}; change those first.`,
        });
      }
      return data.nodes.splice(index, 1)[0]!;
    });
  }
}

function stripUndefined<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function conflict(message: string, path: string, issue: string): RaydeckError {
  return new RaydeckError({ code: 'conflict', message, issues: [{ path, message: issue }] });
}

function validate(data: InventoryData, node: ClusterNode) {
  if (!data.clusters.some((c) => c.id === node.clusterId))
    throw new RaydeckError({ code: 'not_found', message: `No cluster with id ${node.clusterId}.` });
  const siblings = data.nodes.filter((n) => n.clusterId === node.clusterId && n.id !== node.id);
  if (siblings.some((n) => n.name.toLowerCase() === node.name.toLowerCase())) {
    throw conflict(
      `This cluster already has a node named "${node.name}".`,
      'name',
      'is already used in this cluster',
    );
  }
  if (
    siblings.some(
      (n) =>
        n.host === node.host && n.port === node.port && n.role !== 'jump' && node.role !== 'jump',
    )
  ) {
    throw conflict(
      `${node.host}:${node.port} is already a node of this cluster.`,
      'host',
      'is already a node of this cluster',
    );
  }
  if (node.role === 'head' && siblings.some((n) => n.role === 'head')) {
    throw conflict(
      'This cluster already has a head node; make it a worker or change the other first.',
      'role',
      'a cluster has one head',
    );
  }
  if (node.jumpNodeId !== null) {
    const byId = new Map(data.nodes.map((n) => [n.id, n]));
    byId.set(node.id, node);
    const jump = byId.get(node.jumpNodeId);
    if (!jump || jump.clusterId !== node.clusterId)
      throw conflict(
        'The jump host must be another node of the same cluster.',
        'jumpNodeId',
        'is not a node of this cluster',
      );
    const seen = new Set<string>([node.id]);
    for (
      let hop: ClusterNode | undefined = jump;
      hop;
      hop = hop.jumpNodeId ? byId.get(hop.jumpNodeId) : undefined
    ) {
      if (seen.has(hop.id))
        throw conflict('These jump hosts form a loop.', 'jumpNodeId', 'would make a jump loop');
      seen.add(hop.id);
    }
  }
}
