/**
 * What the Electron preload exposes to the renderer (as `window.raydeckBridge`) and the IPC
 * channel names both ends use. The bridge is the whole surface: no `ipcRenderer`, no event
 * objects, only contract calls and event subscriptions.
 */
import type { CallResult } from '../contract/result';

export const IPC_CHANNELS = {
  call: 'raydeck:call',
  subscribe: 'raydeck:subscribe',
  unsubscribe: 'raydeck:unsubscribe',
  event: 'raydeck:event',
} as const;

export interface RaydeckBridge {
  call(method: string, input: unknown): Promise<CallResult<unknown>>;
  /** Returns a function that ends the subscription. */
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
}

export const BRIDGE_GLOBAL = 'raydeckBridge';
