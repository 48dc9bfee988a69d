/** IPC binding with a fake ipcMain: the sender check gates every channel; subscriptions end with the window. */
import { describe, expect, it } from 'vitest';
import { IPC_CHANNELS } from '../shared';
import { createCore } from '../core/api/create-core';
import { makeTempHome } from '../core/testing/temp-home';
import { bindCoreToIpc } from './ipc-binding';

function fakeIpc() {
  const handles = new Map<string, (...args: unknown[]) => unknown>();
  const ons = new Map<string, (...args: unknown[]) => void>();
  return {
    ipcMain: {
      handle: (ch: string, fn: never) => void handles.set(ch, fn),
      on: (ch: string, fn: never) => void ons.set(ch, fn),
    },
    handles,
    ons,
  };
}

function fakeSender() {
  const sent: unknown[][] = [];
  let destroyed: (() => void) | null = null;
  return {
    sent,
    destroy: () => destroyed?.(),
    contents: {
      send: (...args: unknown[]) => sent.push(args),
      isDestroyed: () => false,
      once: (_: string, fn: () => void) => (destroyed = fn),
    },
  };
}

describe('bindCoreToIpc', () => {
  it('refuses calls from a frame that fails the sender check, serves the allowed one', async () => {
    const h = makeTempHome();
    const core = createCore({ home: h.home, mode: 'electron' });
    const ipc = fakeIpc();
    bindCoreToIpc(ipc.ipcMain as never, core.service, (e) => (e as unknown as { ok: boolean }).ok);
    const call = ipc.handles.get(IPC_CHANNELS.call)!;
    expect(await call({ ok: false }, 'clusters.list', {})).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('Refused') },
    });
    expect(await call({ ok: true }, 'clusters.list', {})).toEqual({ ok: true, value: [] });
    expect(await call({ ok: true }, 'clusters.create', { name: '' })).toMatchObject({
      ok: false,
      error: { code: 'validation' },
    });
    h.cleanup();
  });

  it('forwards subscribed events to the sender and stops when it is destroyed', async () => {
    const h = makeTempHome();
    const core = createCore({ home: h.home, mode: 'electron' });
    const ipc = fakeIpc();
    bindCoreToIpc(ipc.ipcMain as never, core.service, () => true);
    // The core's own services listen too (the monitor stops a removed cluster's collectors).
    const ownListeners = core.bus.listenerCount('clusters.changed');
    const s = fakeSender();
    ipc.ons.get(IPC_CHANNELS.subscribe)!({ sender: s.contents }, 'clusters.changed');
    expect(core.bus.listenerCount('clusters.changed')).toBe(ownListeners + 1);
    ipc.ons.get(IPC_CHANNELS.subscribe)!({ sender: s.contents }, 'not.an.event');
    await core.inventory.create('one');
    expect(s.sent).toHaveLength(1);
    expect(s.sent[0]![0]).toBe(IPC_CHANNELS.event);
    expect(s.sent[0]![1]).toBe('clusters.changed');
    s.destroy();
    await core.inventory.create('two');
    expect(s.sent).toHaveLength(1);
    expect(core.bus.listenerCount('clusters.changed')).toBe(ownListeners);
    core.dispose();
    h.cleanup();
  });
});
