/** cluster status from Ray's node list: one row per node, `degraded` naming the nodes that are down. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterNode } from '../../shared';
import type { RayNodeRecord } from '../ray/dashboard-client';
import { currentRecords, runningStatus } from './cluster-status';

// The real record of a Ray head (Ray 2.58 capture), as the template for the others.
const real = JSON.parse(
  fs.readFileSync(path.join(__dirname, '../ray/fixtures/api_v0_nodes.json'), 'utf8'),
).data.result.result[0] as RayNodeRecord;
const rec = (ip: string, state: 'ALIVE' | 'DEAD', id: string, head = false): RayNodeRecord => ({
  ...real,
  node_ip: ip,
  node_id: id,
  state,
  is_head_node: head,
  resources_total: { CPU: 2, GPU: state === 'ALIVE' ? 2 : 2 },
});
const inv = (name: string, host: string, role: ClusterNode['role']): ClusterNode => ({
  id: name,
  clusterId: 'c',
  name,
  host,
  port: 22,
  user: 'u',
  auth: { kind: 'agent' },
  jumpNodeId: null,
  role,
  hasSecret: false,
  vouchedFingerprints: [],
  createdAt: '',
});
const INVENTORY = [
  inv('node1', '198.51.100.11', 'head'),
  inv('node2', '198.51.100.12', 'worker'),
  inv('node3', '198.51.100.13', 'worker'),
];

describe('cluster status (issue 20 item 5)', () => {
  it('every Ray node of the inventory alive: running', () => {
    const s = runningStatus(
      'c',
      '2.60.0',
      [
        rec('198.51.100.11', 'ALIVE', 'a', true),
        rec('198.51.100.12', 'ALIVE', 'b'),
        rec('198.51.100.13', 'ALIVE', 'c'),
      ],
      INVENTORY,
    );
    expect(s).toMatchObject({ state: 'running', aliveNodes: 3, gpus: 6, downNodes: [] });
  });

  it('a worker whose Ray died: degraded, naming it', () => {
    const s = runningStatus(
      'c',
      '2.60.0',
      [
        rec('198.51.100.11', 'ALIVE', 'a', true),
        rec('198.51.100.12', 'ALIVE', 'b'),
        rec('198.51.100.13', 'DEAD', 'c'),
      ],
      INVENTORY,
    );
    expect(s.state).toBe('degraded');
    expect(s.downNodes).toEqual(['node3']);
    expect(s.detail).toMatch(/not running on node3 \(Start rejoins it\)/);
    expect(s.gpus).toBe(4);
  });

  it('a worker that never joined is down too', () => {
    const s = runningStatus(
      'c',
      '2.60.0',
      [rec('198.51.100.11', 'ALIVE', 'a', true), rec('198.51.100.12', 'ALIVE', 'b')],
      INVENTORY,
    );
    expect(s).toMatchObject({ state: 'degraded', downNodes: ['node3'] });
  });

  it('a node whose Ray restarted shows once, alive (its DEAD entry merged)', () => {
    const records = [
      rec('198.51.100.11', 'ALIVE', 'a', true),
      rec('198.51.100.12', 'DEAD', 'old'),
      rec('198.51.100.13', 'ALIVE', 'c'),
      rec('198.51.100.12', 'ALIVE', 'new'),
    ];
    expect(currentRecords(records).map((r) => r.node_id)).toEqual(['a', 'new', 'c']);
    const s = runningStatus('c', '2.60.0', records, INVENTORY);
    expect(s.state).toBe('running');
    expect(s.nodes.map((n) => [n.name, n.alive])).toEqual([
      ['node1', true],
      ['node2', true],
      ['node3', true],
    ]);
  });

  it('jump hosts and hostnames Ray cannot be matched by are not judged', () => {
    const s = runningStatus(
      'c',
      '2.60.0',
      [rec('198.51.100.11', 'ALIVE', 'a', true)],
      [INVENTORY[0]!, inv('bastion', '198.51.100.2', 'jump'), inv('gpu-a', 'gpu-a.lab', 'worker')],
    );
    expect(s.state).toBe('running');
  });
});
