/** Waiting for operations: woken early by progress events, bounded (then cancelled), interruptible. */
import { describe, expect, it } from 'vitest';
import type { Operation, RaydeckClient } from '../../shared';
import { waitForOperation } from './wait';

function fakeClient(states: Operation['state'][]) {
  const calls: string[] = [];
  const listeners = new Set<(p: unknown) => void>();
  let i = 0;
  const op = (state: Operation['state']): Operation => ({
    id: 'op',
    kind: 'k',
    title: 'Stop Ray',
    state,
    progress: null,
    detail: `step ${i}`,
    startedAt: '',
    endedAt: null,
    error: null,
  });
  const client = {
    async call(method: string) {
      calls.push(method);
      if (method === 'operations.get') return op(states[Math.min(i++, states.length - 1)]!);
      return op('cancelled');
    },
    subscribe(_event: string, listener: (p: unknown) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onStatus: () => () => undefined,
    close: () => undefined,
  } as unknown as RaydeckClient;
  return { client, calls, progress: () => listeners.forEach((l) => l({ id: 'op' })) };
}

const never = new Promise<void>(() => undefined);

describe('waitForOperation', () => {
  it('polls until the operation ends, reporting each change; a progress event wakes it early', async () => {
    const f = fakeClient(['running', 'running', 'succeeded']);
    const seen: string[] = [];
    const t0 = Date.now();
    const waiting = waitForOperation(f.client, 'op', {
      stopped: never,
      timeoutMs: 10_000,
      intervalMs: 5_000,
      onChange: (o) => seen.push(`${o.state} ${o.detail}`),
    });
    for (let k = 0; k < 2; k++) {
      await new Promise((r) => setTimeout(r, 20));
      f.progress();
    }
    const ended = await waiting;
    expect(ended).toMatchObject({ state: 'succeeded' });
    expect(seen).toEqual(['running step 1', 'running step 2', 'succeeded step 3']);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('gives up past its bound, cancelling the operation', async () => {
    const f = fakeClient(['running']);
    await expect(
      waitForOperation(f.client, 'op', { stopped: never, timeoutMs: 150, intervalMs: 50 }),
    ).rejects.toThrow(
      /^gave up waiting for "Stop Ray" after 0 s \(it was at: step \d+\); it was cancelled$/,
    );
    expect(f.calls.at(-1)).toBe('operations.cancel');
  });

  it('returns "stopped" at once when the user interrupts', async () => {
    const f = fakeClient(['running']);
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    const waiting = waitForOperation(f.client, 'op', {
      stopped,
      timeoutMs: 60_000,
      intervalMs: 60_000,
    });
    setTimeout(stop, 30);
    expect(await waiting).toBe('stopped');
    expect(f.calls).toEqual(['operations.get']);
  });
});
