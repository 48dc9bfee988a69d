/**
 * Merging the core's pushes into the page's snapshot (GPU value rows, then upserts), and the
 * overview's totals.
 */
import { describe, expect, it } from 'vitest';
import { applyAlerts, applyDelta, applyEvents, clusterTotals, formatUsd } from './monitor-model';
import {
  T_NOW,
  cost,
  deployment,
  fleet,
  fleetDelta,
  gpu,
  node,
  snapshot,
} from './monitor-fixtures';
import type { MonitorDelta, MonitorEvent } from '../../../shared';

const none = {
  nodes: [],
  gpus: [],
  applications: [],
  deployments: [],
  replicas: [],
  collectors: [],
};

function delta(over: Partial<MonitorDelta>): MonitorDelta {
  return {
    clusterId: 'c1',
    at: 1,
    series: {},
    upserts: { ...none },
    removed: { ...none },
    cost: null,
    ...over,
  };
}

describe('monitor model', () => {
  it('a delta replaces views by key, adds new ones, removes gone ones, keeps unchanged lists', () => {
    const s = snapshot({
      nodes: [node('n1')],
      gpus: [gpu('n1', 0, { utilizationPct: 10 }), gpu('n1', 1)],
      deployments: [deployment('app', 'LLM')],
    });
    const next = applyDelta(
      s,
      delta({
        upserts: { ...none, gpus: [gpu('n1', 0, { utilizationPct: null }), gpu('n1', 2)] },
        removed: { ...none, gpus: ['n1/1'] },
      }),
    );
    expect(next.gpus.map((g) => [g.key, g.utilizationPct])).toEqual([
      ['n1/0', null],
      ['n1/2', 50],
    ]);
    expect(next.deployments).toBe(s.deployments);
  });

  it('a delta moving every GPU keeps the list order, whether it comes in that order or not', () => {
    const s = snapshot({ gpus: [gpu('n1', 0), gpu('n1', 1), gpu('n2', 0)] });
    const moved = s.gpus.map((g, i) => ({ ...g, utilizationPct: 70 + i }));
    const inOrder = applyDelta(s, delta({ upserts: { ...none, gpus: moved } }));
    const shuffled = applyDelta(s, delta({ upserts: { ...none, gpus: [...moved].reverse() } }));
    const view = (x: typeof s) => x.gpus.map((g) => [g.key, g.utilizationPct]);
    expect(view(inOrder)).toEqual([
      ['n1/0', 70],
      ['n1/1', 71],
      ['n2/0', 72],
    ]);
    expect(view(shuffled)).toEqual(view(inOrder));
    // Same keys but one gone and one new: matched by key, not by position.
    const swapped = applyDelta(
      s,
      delta({
        upserts: { ...none, gpus: [moved[0]!, moved[1]!, gpu('n3', 0)] },
        removed: { ...none, gpus: ['n2/0'] },
      }),
    );
    expect(swapped.gpus.map((g) => g.key)).toEqual(['n1/0', 'n1/1', 'n3/0']);
  });

  it("another cluster's delta changes nothing", () => {
    const s = snapshot({ gpus: [gpu('n1', 0)] });
    expect(
      applyDelta(
        s,
        delta({ clusterId: 'other', upserts: { ...none, gpus: [gpu('n1', 0, { lost: true })] } }),
      ),
    ).toBe(s);
  });

  it('events append in seq order without duplicates; alerts are replaced whole', () => {
    const ev = (seq: number): MonitorEvent => ({
      seq,
      at: seq,
      kind: 'replica-died',
      severity: 'warning',
      subject: 'a/b/r',
      message: `e${seq}`,
    });
    let s = snapshot({ events: [ev(1), ev(2)] });
    s = applyEvents(s, [ev(4), ev(2), ev(3)]);
    expect(s.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    s = applyAlerts(s, [
      {
        key: 'gpu-lost:n1/0',
        kind: 'gpu-lost',
        severity: 'critical',
        subject: 'n1/0',
        message: 'GPU 0 lost',
        since: 1,
      },
    ]);
    expect(s.alerts).toHaveLength(1);
    expect(applyAlerts(s, []).alerts).toHaveLength(0);
  });

  it('totals: busy counts values only (no value is not idle), lost and hot, replicas and $/h', () => {
    const s = snapshot({
      nodes: [node('n1'), node('n2', { stale: true })],
      gpus: [
        gpu('n1', 0, { utilizationPct: 90 }),
        gpu('n1', 1, { utilizationPct: 0 }),
        gpu('n1', 2, { utilizationPct: null }),
        gpu('n2', 0, { lost: true }),
        gpu('n2', 1, {
          hot: true,
          utilizationPct: 0,
          processes: [{ pid: 5, usedMemoryMiB: 10, replicaId: 'r' }],
        }),
      ],
      deployments: [
        deployment('a', 'x', { desired: 3, running: 1, pending: 2 }),
        deployment('a', 'y', { starting: 1, running: 0 }),
      ],
      cost: cost({ perHour: 12.5, perMillionRequests: 3.2 }),
    });
    const t = clusterTotals(s);
    expect(t).toMatchObject({
      gpus: 5,
      gpusBusy: 2,
      gpusLost: 1,
      gpusHot: 1,
      gpusNoValue: 2,
      nodesStale: 1,
    });
    expect(t).toMatchObject({
      replicasRunning: 1,
      replicasPending: 2,
      replicasStarting: 1,
      replicasDesired: 4,
      perHour: 12.5,
    });
    expect(formatUsd(null)).toBe('—');
  });

  it("a fleet delta's 4,096 GPU rows move every GPU in place", () => {
    const s = fleet(512, 8);
    const d = fleetDelta(s, T_NOW + 1000, 1);
    expect(d.upserts.gpus).toEqual([]);
    const next = applyDelta(s, d);
    expect(next.gpus.map((g) => g.key)).toEqual(s.gpus.map((g) => g.key));
    expect(next.gpus).toHaveLength(4096);
    expect(next.gpus[1]).toMatchObject({
      utilizationPct: d.gpuValues!.util[1],
      temperatureC: d.gpuValues!.temp[1],
      at: T_NOW + 1000,
    });
    // The old form (every GPU re-sent whole) gives the same GPUs.
    expect(applyDelta(s, fleetDelta(s, T_NOW + 1000, 1, { upserts: true })).gpus).toEqual(
      next.gpus,
    );
  });

  it('GPU rows first, then upserts: a GPU re-sent lost keeps no value', () => {
    const s = snapshot({ gpus: [gpu('n1', 0), gpu('n1', 1)] });
    const next = applyDelta(
      s,
      delta({
        gpuValues: {
          keys: ['n1/0', 'n1/1'],
          at: [T_NOW + 1000, T_NOW + 500],
          util: [77, 60],
          memUsed: [1, 1],
          temp: [null, 50],
          power: [1, 1],
        },
        upserts: {
          ...none,
          gpus: [gpu('n1', 1, { utilizationPct: null, lost: true, at: T_NOW + 500 })],
        },
      }),
    );
    expect(next.gpus.map((g) => [g.utilizationPct, g.temperatureC, g.lost])).toEqual([
      [77, null, false],
      [null, 55, true],
    ]);
    expect(next.gpus[0]!.at).toBe(T_NOW + 1000);
  });
});
