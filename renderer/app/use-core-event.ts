/** Subscribes a component to one contract event for as long as it is mounted. */
import { useEffect, useRef } from 'react';
import type { EventName, EventPayload } from '../../shared';
import { useRaydeck } from './client-context';

export function useCoreEvent<E extends EventName>(
  event: E,
  listener: (payload: EventPayload<E>) => void,
): void {
  const client = useRaydeck();
  const latest = useRef(listener);
  latest.current = listener;
  useEffect(() => client.subscribe(event, (payload) => latest.current(payload)), [client, event]);
}
