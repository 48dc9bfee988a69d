/**
 * The seam between the renderer and the core: `call(method, input)` and `subscribe(event)`.
 * Three adapters implement it — Electron IPC, WebSocket (browser mode) and in-memory (tests) —
 * and the renderer never knows which one it has.
 */
import type { CallResult } from '../contract/result';

export type Unsubscribe = () => void;

/** The untyped wire-level interface each adapter implements. */
export interface Transport {
  call(method: string, input: unknown): Promise<CallResult<unknown>>;
  subscribe(event: string, listener: (payload: unknown) => void): Unsubscribe;
  /** Optional: connection state changes (the WebSocket adapter reports drops and reconnects). */
  onStatus?(listener: (status: TransportStatus) => void): Unsubscribe;
  close?(): void;
}

export type TransportStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';
