/**
 * The typed client every consumer uses (renderer, CLI tests, e2e): methods and events by name,
 * inputs and outputs typed from the contract, failures thrown as `RaydeckError`.
 */
import { RaydeckError, isErrorShape } from '../contract/errors';
import type { MethodInput, MethodName, MethodOutput } from '../contract/methods';
import type { EventName, EventPayload } from '../contract/events';
import type { Transport, TransportStatus, Unsubscribe } from './transport';

export interface RaydeckClient {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  subscribe<E extends EventName>(
    event: E,
    listener: (payload: EventPayload<E>) => void,
  ): Unsubscribe;
  onStatus(listener: (status: TransportStatus) => void): Unsubscribe;
  close(): void;
}

export function createClient(transport: Transport): RaydeckClient {
  return {
    async call(method, input) {
      const result = await transport.call(method, input);
      if (result.ok) return result.value as MethodOutput<typeof method>;
      const error = isErrorShape(result.error)
        ? result.error
        : { code: 'internal' as const, message: 'The core sent an unreadable error.' };
      throw new RaydeckError(error);
    },
    subscribe(event, listener) {
      return transport.subscribe(event, (payload) =>
        listener(payload as EventPayload<typeof event>),
      );
    },
    onStatus(listener) {
      return transport.onStatus ? transport.onStatus(listener) : () => {};
    },
    close() {
      transport.close?.();
    },
  };
}
