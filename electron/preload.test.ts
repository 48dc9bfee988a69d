/** The preload exposes exactly one bridge with call/subscribe, checks names, and leaks no ipcRenderer. */
import { beforeEach, describe, expect, it, vi } from 'vitest';

const exposed: Record<string, unknown> = {};
const invoke = vi.fn(async () => ({ ok: true, value: 'from-main' }));
const send = vi.fn();
const on = vi.fn();

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer: { invoke, send, on },
}));

beforeEach(() => {
  invoke.mockClear();
  send.mockClear();
});

describe('preload bridge', () => {
  it('exposes only raydeckBridge with call and subscribe', async () => {
    await import('./preload');
    expect(Object.keys(exposed)).toEqual(['raydeckBridge']);
    const bridge = exposed.raydeckBridge as Record<string, unknown>;
    expect(Object.keys(bridge).sort()).toEqual(['call', 'subscribe']);
    expect(JSON.stringify(Object.values(bridge).map((v) => typeof v))).toBe(
      '["function","function"]',
    );
  });

  it('forwards contract methods and refuses others without touching IPC', async () => {
    await import('./preload');
    const bridge = exposed.raydeckBridge as { call(m: string, i: unknown): Promise<unknown> };
    await expect(bridge.call('clusters.list', {})).resolves.toEqual({
      ok: true,
      value: 'from-main',
    });
    expect(invoke).toHaveBeenCalledWith('raydeck:call', 'clusters.list', {});
    await expect(bridge.call('ipcRenderer.send', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'unknown_method' },
    });
    expect(invoke).toHaveBeenCalledTimes(1);
  });

  it('subscribes once per event, passes only the payload, and unsubscribes', async () => {
    await import('./preload');
    const bridge = exposed.raydeckBridge as {
      subscribe(e: string, l: (p: unknown) => void): () => void;
    };
    const listener = vi.fn();
    const off = bridge.subscribe('clusters.changed', listener);
    bridge.subscribe('bogus', listener);
    expect(send).toHaveBeenCalledTimes(1);
    const onEvent = on.mock.calls.find((c) => c[0] === 'raydeck:event')![1] as (
      e: unknown,
      n: string,
      p: unknown,
    ) => void;
    onEvent({ sender: 'secret' }, 'clusters.changed', [1]);
    expect(listener).toHaveBeenCalledWith([1]);
    off();
    expect(send).toHaveBeenLastCalledWith('raydeck:unsubscribe', 'clusters.changed');
  });
});
