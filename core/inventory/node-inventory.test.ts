import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterNode } from '../../shared';
import { makeTempHome } from '../testing/temp-home';
import { ClusterInventory } from './cluster-inventory';
import { InventoryFile } from './inventory-file';
import { NodeInventory, type NewNode } from './node-inventory';

const homes: { cleanup(): void }[] = [];
afterEach(() => homes.splice(0).forEach((h) => h.cleanup()));

async function setup() {
  const h = makeTempHome();
  homes.push(h);
  const file = path.join(h.home, 'inventory.json');
  const store = new InventoryFile(file);
  const changes: { clusterId: string; names: string[] }[] = [];
  const clusters = new ClusterInventory(store);
  const nodes = new NodeInventory(store, (clusterId, list) =>
    changes.push({ clusterId, names: list.map((n) => n.name) }),
  );
  const lab = await clusters.create('lab');
  const base = (name: string, host: string, extra: Partial<NewNode> = {}): NewNode => ({
    clusterId: lab.id,
    name,
    host,
    port: 22,
    user: 'ubuntu',
    auth: { kind: 'agent' },
    jumpNodeId: null,
    role: 'worker',
    ...extra,
  });
  return { file, store, clusters, nodes, lab, base, changes };
}

describe('NodeInventory', () => {
  it('adds nodes, counts them on the cluster, persists, and emits per-cluster changes', async () => {
    const { file, clusters, nodes, lab, base, changes } = await setup();
    await nodes.add(base('gpu1', '10.0.0.1', { role: 'head' }));
    await nodes.add(base('gpu2', '10.0.0.2'));
    expect((await clusters.get(lab.id)).nodeCount).toBe(2);
    expect(changes.at(-1)).toEqual({ clusterId: lab.id, names: ['gpu1', 'gpu2'] });
    const reread = new NodeInventory(new InventoryFile(file));
    expect((await reread.list(lab.id)).map((n) => n.host)).toEqual(['10.0.0.1', '10.0.0.2']);
  });

  it('refuses a duplicate name, a duplicate host:port and a second head, naming the field', async () => {
    const { nodes, base } = await setup();
    await nodes.add(base('gpu1', '10.0.0.1', { role: 'head' }));
    await expect(nodes.add(base('GPU1', '10.0.0.9'))).rejects.toMatchObject({
      code: 'conflict',
      issues: [{ path: 'name' }],
    });
    await expect(nodes.add(base('gpu2', '10.0.0.1'))).rejects.toMatchObject({
      code: 'conflict',
      issues: [{ path: 'host' }],
    });
    await expect(nodes.add(base('gpu3', '10.0.0.3', { role: 'head' }))).rejects.toMatchObject({
      issues: [{ path: 'role' }],
    });
  });

  it('checks jump hosts: same cluster, no loops, cannot remove a jump host in use', async () => {
    const { nodes, base, clusters } = await setup();
    const bastion = await nodes.add(base('bastion', '203.0.113.5', { role: 'jump' }));
    const inner = await nodes.add(base('gpu1', '10.0.0.1', { jumpNodeId: bastion.id }));
    await expect(nodes.update(bastion.id, { jumpNodeId: inner.id })).rejects.toMatchObject({
      message: 'These jump hosts form a loop.',
    });
    await expect(nodes.remove(bastion.id)).rejects.toMatchObject({ code: 'conflict' });
    const other = await clusters.create('other');
    await expect(
      nodes.add({ ...base('x', '10.0.0.7', { jumpNodeId: bastion.id }), clusterId: other.id }),
    ).rejects.toMatchObject({ issues: [{ path: 'jumpNodeId' }] });
  });

  it('a failed change leaves the stored nodes untouched; removing a cluster removes its nodes', async () => {
    const { nodes, base, clusters, lab } = await setup();
    const n: ClusterNode = await nodes.add(base('gpu1', '10.0.0.1'));
    await expect(nodes.update(n.id, { role: 'head', jumpNodeId: 'nope' })).rejects.toBeTruthy();
    expect((await nodes.get(n.id)).role).toBe('worker');
    await clusters.remove(lab.id);
    await expect(nodes.get(n.id)).rejects.toMatchObject({ code: 'not_found' });
  });
});
