/** TickPacer: early refreshes coalesced, spaced from the last tick, and off while ticks are dear. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TickPacer } from './tick-pacer';

describe('TickPacer', () => {
  beforeEach(() => vi.useFakeTimers({ now: 10_000 }));
  afterEach(() => vi.useRealTimers());
  const pacer = () => new TickPacer({ maxTickMs: 10, coalesceMs: 20, minGapMs: 200 });

  it('refreshes nothing before the cost of a tick is known', () => {
    const p = pacer();
    const refresh = vi.fn();
    expect(p.fresh(refresh)).toBe(false);
    vi.advanceTimersByTime(1000);
    expect(refresh).not.toHaveBeenCalled();
  });

  it('coalesces fresh pages arriving together into one refresh after coalesceMs', () => {
    const p = pacer();
    p.ticked(Date.now() - 500, 2);
    const refresh = vi.fn();
    expect(p.fresh(refresh)).toBe(true);
    expect(p.fresh(refresh)).toBe(false);
    vi.advanceTimersByTime(19);
    expect(refresh).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(p.fresh(refresh)).toBe(true); // the next page schedules again
  });

  it('keeps minGapMs after the last tick', () => {
    const p = pacer();
    p.ticked(Date.now() - 50, 1);
    const refresh = vi.fn();
    p.fresh(refresh);
    vi.advanceTimersByTime(149);
    expect(refresh).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('turns early refreshes off while a tick costs more than maxTickMs, and on again after a cheap one', () => {
    const p = pacer();
    p.ticked(Date.now() - 500, 40);
    const refresh = vi.fn();
    expect(p.fresh(refresh)).toBe(false);
    p.ticked(Date.now() - 500, 3);
    expect(p.fresh(refresh)).toBe(true);
  });

  it('stop() drops a pending refresh', () => {
    const p = pacer();
    p.ticked(Date.now() - 500, 1);
    const refresh = vi.fn();
    p.fresh(refresh);
    p.stop();
    vi.advanceTimersByTime(1000);
    expect(refresh).not.toHaveBeenCalled();
  });

  it('a tick drops the pending refresh (it showed the same data); the next page schedules anew', () => {
    const p = pacer();
    p.ticked(Date.now() - 500, 1);
    const refresh = vi.fn();
    p.fresh(refresh);
    p.ticked(Date.now(), 1);
    vi.advanceTimersByTime(1000);
    expect(refresh).not.toHaveBeenCalled();
    expect(p.fresh(refresh)).toBe(true);
    vi.advanceTimersByTime(200);
    expect(refresh).toHaveBeenCalledTimes(1);
  });
});
