/**
 * The preload (sandboxed, context-isolated): exposes one small bridge, `window.raydeckBridge`,
 * with `call` and `subscribe`. Method and event names are checked against the contract here
 * too; `ipcRenderer` and IPC event objects never reach the page.
 */
import { contextBridge, ipcRenderer } from 'electron';
import {
  BRIDGE_GLOBAL,
  IPC_CHANNELS,
  isEventName,
  isMethodName,
  type CallResult,
  type RaydeckBridge,
} from '../shared';

const listeners = new Map<string, Set<(payload: unknown) => void>>();

ipcRenderer.on(IPC_CHANNELS.event, (_event, name: unknown, payload: unknown) => {
  if (typeof name !== 'string') return;
  for (const l of listeners.get(name) ?? []) l(payload);
});

const bridge: RaydeckBridge = {
  call(method, input) {
    if (!isMethodName(method)) {
      return Promise.resolve<CallResult<unknown>>({
        ok: false,
        error: { code: 'unknown_method', message: `Unknown method ${String(method)}.` },
      });
    }
    return ipcRenderer.invoke(IPC_CHANNELS.call, method, input) as Promise<CallResult<unknown>>;
  },
  subscribe(event, listener) {
    if (!isEventName(event)) return () => {};
    let set = listeners.get(event);
    if (!set) {
      set = new Set();
      listeners.set(event, set);
      ipcRenderer.send(IPC_CHANNELS.subscribe, event);
    }
    const wrapped = (payload: unknown) => listener(payload);
    set.add(wrapped);
    return () => {
      set.delete(wrapped);
      if (set.size === 0) {
        listeners.delete(event);
        ipcRenderer.send(IPC_CHANNELS.unsubscribe, event);
      }
    };
  },
};

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, bridge);
