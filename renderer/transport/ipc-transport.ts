/** The renderer's transport inside Electron: a thin adapter over the preload's `raydeckBridge`. */
import type { RaydeckBridge, Transport } from '../../shared';

export function createIpcTransport(bridge: RaydeckBridge): Transport {
  return {
    call: (method, input) => bridge.call(method, input),
    subscribe: (event, listener) => bridge.subscribe(event, listener),
    onStatus: (listener) => {
      listener('open');
      return () => {};
    },
  };
}
