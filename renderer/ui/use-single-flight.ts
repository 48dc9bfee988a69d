/**
 * Buttons that start work start it once (issue 19 item 2): react-query re-renders with
 * `isPending` a tick after `mutate`, so the second click of a double click used to send the
 * request again (a second bring-up refused as "already running", a cluster "name taken").
 * `once(start)` runs `start` only if no earlier start is still in flight; `start` gets `done`
 * to call when its work settles.
 */
import { useCallback, useRef } from 'react';

export function useSingleFlight(): (start: (done: () => void) => void) => void {
  const busy = useRef(false);
  return useCallback((start) => {
    if (busy.current) return;
    busy.current = true;
    start(() => {
      busy.current = false;
    });
  }, []);
}
