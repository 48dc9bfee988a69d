/** The monitor contract's schemas: scaling changes, price inputs, series / view keys. */
import { describe, expect, it } from 'vitest';
import { ScaleChange, seriesKey, viewKey, MonitorSnapshot } from './monitor';
import { methods } from '../contract/methods';

describe('monitor contract', () => {
  it('takes a replica count or autoscaling bounds, never both, min <= max', () => {
    expect(ScaleChange.safeParse({ replicas: 3 }).success).toBe(true);
    expect(ScaleChange.safeParse({ min: 1, max: 4, target: 2 }).success).toBe(true);
    expect(ScaleChange.safeParse({ min: 1, max: 4 }).success).toBe(true);
    expect(ScaleChange.safeParse({ min: 5, max: 4 }).success).toBe(false);
    expect(ScaleChange.safeParse({ replicas: 2, min: 1, max: 2 }).success).toBe(false);
    expect(ScaleChange.safeParse({ replicas: -1 }).success).toBe(false);
    expect(ScaleChange.safeParse({ replicas: 1.5 }).success).toBe(false);
  });

  it('encodes key parts so a slash in a name cannot forge another key', () => {
    expect(seriesKey.deployment('a/b', 'c', 'rps')).toBe('dep/a%2Fb/c/rps');
    expect(seriesKey.deployment('a', 'b/c', 'rps')).not.toBe(
      seriesKey.deployment('a/b', 'c', 'rps'),
    );
    expect(seriesKey.gpu('n1', 3, 'util')).toBe('gpu/n1/3/util');
    expect(viewKey.replica('app', 'dep', 'r1')).toBe('app/dep/r1');
  });

  it('declares serve.scale as long work and the rest as plain calls', () => {
    expect(methods['serve.scale'].longRunning).toBe(true);
    expect(methods['monitor.subscribe'].longRunning).toBe(false);
    const scale = methods['serve.scale'].input.parse({
      clusterId: 'c',
      app: 'a',
      deployment: 'd',
      change: { replicas: 2 },
    });
    expect(scale).toMatchObject({ wait: true, autoRollbackS: null });
    expect(
      methods['monitor.setPrices'].input.safeParse({ clusterId: 'c', perNodeHour: { n: -1 } })
        .success,
    ).toBe(false);
    expect(
      methods['monitor.setPrices'].input.safeParse({ clusterId: 'c', perNodeHour: { n: null } })
        .success,
    ).toBe(true);
  });

  it('refuses a snapshot with a 0 where a value is missing only by type, not by meaning: null is allowed', () => {
    const gpu = {
      key: 'n/0',
      nodeId: 'n',
      index: 0,
      uuid: null,
      name: null,
      utilizationPct: null,
      memoryUsedMiB: null,
      memoryTotalMiB: null,
      temperatureC: null,
      powerW: null,
      at: null,
      stale: false,
      lost: false,
      hot: false,
      xid: null,
      processes: [],
    };
    const snap = {
      clusterId: 'c',
      takenAt: 1,
      periodMs: 1000,
      nodes: [],
      gpus: [gpu],
      applications: [],
      deployments: [],
      replicas: [],
      alerts: [],
      events: [],
      collectors: [],
      cost: {
        prices: { perNodeHour: {}, perGpuModelHour: {} },
        perHour: null,
        perMillionRequests: null,
        rps: null,
        perNode: [],
        unpriced: [],
      },
    };
    expect(MonitorSnapshot.safeParse(snap).success).toBe(true);
    expect(MonitorSnapshot.safeParse({ ...snap, gpus: [{ ...gpu, powerW: 'N/A' }] }).success).toBe(
      false,
    );
  });
});
