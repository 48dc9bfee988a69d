/**
 * The GPU half of `monitor.delta` end to end: a cluster monitor fed random nvidia-smi blocks
 * (values moving, "[N/A]" / "[Not Supported]" fields, GPUs missing — lost — and back, hot, a
 * quiet stream — stale), and a client that holds the first snapshot and applies each delta as
 * the contract says (the GPU value rows, then the upserts). After every tick the client holds
 * the core's GPUs; a GPU whose values only moved is a row, not re-sent whole, and the GPU series
 * stay in the store (monitor.series) but out of the delta's points.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { GpuSample, MonitorDelta } from '../../shared/domain/monitor';
import { applyGpuValues } from '../../shared/domain/monitor-gpu-values';
import type { ClusterNode } from '../../shared/domain/node';
import { ClusterMonitor } from './cluster-monitor';
import type { Collector, CollectorFactory } from './collector';
import { NO_PRICES } from './cost';

const idle = (kind: Collector['status']['kind'], nodeId: string | null): Collector => {
  const status: Collector['status'] = {
    key: `${kind}:${nodeId ?? 'cluster'}`,
    kind,
    nodeId,
    state: 'stopped',
    message: null,
  };
  return {
    status,
    start: () => (status.state = 'running'),
    stop: () => (status.state = 'stopped'),
  };
};

function setup() {
  let now = 1_000_000;
  const lines = new Map<string, (line: string, at: number) => void>();
  const factory: CollectorFactory = {
    gpuStream: (nodeId, stream, _p, onLine) => {
      if (stream === 'gpu') lines.set(nodeId, onLine);
      return idle(stream === 'gpu' ? 'gpu' : 'gpu-apps', nodeId);
    },
    metrics: (nodeId) => idle('metrics', nodeId),
    serve: () => idle('serve', null),
  };
  const deltas: MonitorDelta[] = [];
  const m = new ClusterMonitor(
    'c1',
    [{ id: 'n/1', name: 'n1', host: '192.0.2.1', role: 'head' } as ClusterNode],
    factory,
    NO_PRICES,
    {
      periodMs: 1000,
      appsPeriodMs: 5000,
      hotC: 85,
      autoTick: false,
      now: () => now,
      emitDelta: (d) => deltas.push(d),
      emitEvents: () => {},
      emitAlerts: () => {},
    },
  );
  return { m, deltas, feed: lines, advance: (ms: number) => (now += ms), now: () => now };
}

/** What the contract says a client does with a delta's GPUs. */
function clientApply(gpus: GpuSample[], d: MonitorDelta): GpuSample[] {
  const moved = applyGpuValues(gpus, d.gpuValues);
  const ups = new Map(d.upserts.gpus.map((g) => [g.key, g]));
  const out = moved.filter((g) => !d.removed.gpus.includes(g.key)).map((g) => ups.get(g.key) ?? g);
  for (const g of d.upserts.gpus) if (!moved.some((x) => x.key === g.key)) out.push(g);
  return out;
}

const NO_VALUE = fc.constantFrom('[N/A]', '[Not Supported]');
const value = (max: number) => fc.oneof(fc.integer({ min: 0, max }).map(String), NO_VALUE);
/** One GPU's row this period, or null: missing from the block. */
const row = fc.option(
  fc.record({ util: value(100), mem: value(80000), temp: value(95), power: value(700) }),
  { nil: null, freq: 6 },
);
/** A period: three GPUs' rows, or a quiet stretch of 4 periods (the stream says nothing). */
const period = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(row, row, row) },
  { weight: 1, arbitrary: fc.constant('quiet' as const) },
);

afterEach(() => vi.useRealTimers());

describe('GPU values in monitor deltas', () => {
  it('a client applying value rows then upserts holds the core GPUs after every tick', () => {
    fc.assert(
      fc.property(fc.array(period, { minLength: 1, maxLength: 12 }), (periods) => {
        vi.useFakeTimers();
        const { m, deltas, feed, advance, now } = setup();
        m.start();
        let client = m.snapshot().gpus;
        deltas.length = 0;
        for (const p of periods) {
          if (p === 'quiet') advance(4000);
          else {
            advance(1000);
            p.forEach((r, i) => {
              if (r)
                feed.get('n/1')!(
                  `${i}, GPU-${i}, NVIDIA H100, ${r.util}, ${r.mem}, 81559, ${r.temp}, ${r.power}`,
                  now(),
                );
            });
            vi.advanceTimersByTime(300); // the stream goes quiet: the block is cut
          }
          m.tick();
          for (const d of deltas.splice(0)) client = clientApply(client, d);
          const core = m.snapshot().gpus;
          expect(new Map(client.map((g) => [g.key, g]))).toEqual(
            new Map(core.map((g) => [g.key, g])),
          );
        }
        m.stop();
        vi.useRealTimers();
      }),
      { numRuns: 150 },
    );
  });

  it('a GPU whose values only moved is a row, not re-sent whole; no GPU points in the delta', () => {
    vi.useFakeTimers();
    const { m, deltas, feed, advance, now } = setup();
    m.start();
    const block = (util: number, power: string) => {
      advance(1000);
      feed.get('n/1')!(`0, GPU-0, NVIDIA H100, ${util}, 1000, 81559, 40, ${power}`, now());
      vi.advanceTimersByTime(300);
      m.tick();
      return deltas[deltas.length - 1]!;
    };
    expect(block(10, '100').upserts.gpus.map((g) => g.key)).toEqual(['n/1/0']);
    const moved = block(20, '150');
    expect(moved.upserts.gpus).toEqual([]);
    expect(moved.gpuValues).toEqual({
      keys: ['n/1/0'],
      at: [now()],
      util: [20],
      memUsed: [1000],
      temp: [40],
      power: [150],
    });
    expect(Object.keys(moved.series).filter((k) => k.startsWith('gpu/'))).toEqual([]);
    expect(m.store.last('gpu/n%2F1/0/util')).toEqual({ t: now(), v: 20 });
    const gone = block(30, '[N/A]');
    expect(gone.upserts.gpus).toEqual([]);
    expect(gone.gpuValues?.power).toEqual([null]);
    m.tick(); // nothing read since: no rows
    expect(deltas[deltas.length - 1]!.gpuValues).toBeUndefined();
    m.stop();
  });
});
