/** Reconnect delays: grow from the first retry, never exceed the cap, and are spread by jitter. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_BACKOFF, reconnectDelayMs } from './backoff';

describe('reconnectDelayMs', () => {
  it('retries a lost node quickly at first, then doubles the wait', () => {
    const noJitter = { ...DEFAULT_BACKOFF, jitter: 0 };
    expect([0, 1, 2, 3].map((n) => reconnectDelayMs(n, noJitter))).toEqual([500, 1000, 2000, 4000]);
  });

  it('never waits longer than the cap, however long the node stays down', () => {
    for (const attempt of [10, 20, 1000])
      expect(reconnectDelayMs(attempt, DEFAULT_BACKOFF, () => 0)).toBe(30_000);
  });

  it('spreads retries of many connections so they do not reconnect in lockstep', () => {
    expect(reconnectDelayMs(3, DEFAULT_BACKOFF, () => 0)).toBe(4000);
    expect(reconnectDelayMs(3, DEFAULT_BACKOFF, () => 0.999)).toBeGreaterThanOrEqual(2000);
    expect(reconnectDelayMs(3, DEFAULT_BACKOFF, () => 0.999)).toBeLessThan(2010);
  });
});
