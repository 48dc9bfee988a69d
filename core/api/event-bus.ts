/** In-process, typed pub/sub for the contract's events. Transports subscribe to it per client. */
import type { EventName, EventPayload, Unsubscribe } from '../../shared';

type AnyListener = (payload: unknown) => void;

export class EventBus {
  private readonly listeners = new Map<string, Set<AnyListener>>();

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const l of [...set]) {
      try {
        l(payload);
      } catch {
        // A broken listener (e.g. a closed socket) must not stop the others.
      }
    }
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): Unsubscribe {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as AnyListener);
    return () => {
      set.delete(listener as AnyListener);
    };
  }

  listenerCount(event: EventName): number {
    return this.listeners.get(event)?.size ?? 0;
  }
}
