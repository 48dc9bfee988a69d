/**
 * The in-memory transport: a renderer-side `Transport` wired straight to a core in the same
 * process. Whole-app tests use it. Inputs and outputs go through a JSON round-trip, so a test
 * sees exactly what a real transport would carry (no shared object references, no functions).
 */
import type { Transport } from '../../shared';
import type { CoreService } from '../api/core-service';

const wire = <T>(value: T): T =>
  value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);

export function createMemoryTransport(service: CoreService): Transport {
  const subscriptions = new Set<() => void>();
  return {
    async call(method, input) {
      return wire(await service.call(method, wire(input)));
    },
    subscribe(event, listener) {
      const off = service.subscribe(event, (payload) =>
        queueMicrotask(() => listener(wire(payload))),
      );
      subscriptions.add(off);
      return () => {
        off();
        subscriptions.delete(off);
      };
    },
    close() {
      for (const off of subscriptions) off();
      subscriptions.clear();
    },
  };
}
