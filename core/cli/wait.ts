/**
 * Waiting for long work from the CLI: an operation is polled (operations.get every 250 ms, woken
 * early by its `operation.progress` events) until it ends, within a time bound, and the wait
 * gives way at once when the user presses Ctrl+C (the caller then cancels the work).
 */
import type { Operation, RaydeckClient } from '../../shared';

/** Ctrl+C seen as a flag plus a wake-up, watched once per wait (not once per pause). */
export interface StopWatch {
  requested: boolean;
  wake: (() => void) | null;
}

export function watchStop(stopped: Promise<void>): StopWatch {
  const watch: StopWatch = { requested: false, wake: null };
  void stopped.then(() => {
    watch.requested = true;
    watch.wake?.();
  });
  return watch;
}

/** A watch that never fires: for bounded waits after the user already pressed Ctrl+C. */
export const NEVER_STOPPED: StopWatch = { requested: false, wake: null };

/** Resolves 'stopped' on Ctrl+C, 'woken' if `wake` fires, else 'elapsed' after `ms`. */
export function pause(
  ms: number,
  stop: StopWatch,
  wake?: (resume: () => void) => () => void,
): Promise<'elapsed' | 'stopped' | 'woken'> {
  if (stop.requested) return Promise.resolve('stopped');
  return new Promise((resolve) => {
    let done = false;
    const finish = (why: 'elapsed' | 'stopped' | 'woken') => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      off?.();
      if (stop.wake === onStop) stop.wake = null;
      resolve(why);
    };
    const onStop = () => finish('stopped');
    const timer = setTimeout(() => finish('elapsed'), ms);
    const off = wake?.(() => finish('woken'));
    if (stop !== NEVER_STOPPED) stop.wake = onStop;
  });
}

const ended = (op: Operation) => op.state !== 'running';

export interface WaitOptions {
  stopped: Promise<void>;
  /** Give up (and cancel the operation) after this long. */
  timeoutMs: number;
  intervalMs?: number;
  /** Called with each new state of the operation (detail or progress moved). */
  onChange?: (op: Operation) => void;
}

/**
 * Waits for operation `id` to end. Returns the ended operation, or 'stopped' when the user
 * interrupted (the operation still runs: the caller decides). Past the bound the operation is
 * cancelled and the wait fails with a readable error.
 */
export async function waitForOperation(
  client: RaydeckClient,
  id: string,
  opts: WaitOptions,
): Promise<Operation | 'stopped'> {
  const interval = opts.intervalMs ?? 250;
  const deadline = Date.now() + opts.timeoutMs;
  const stop = watchStop(opts.stopped);
  let last = '';
  for (;;) {
    const op = await client.call('operations.get', { id });
    const seen = `${op.state}|${op.detail}|${op.progress}`;
    if (seen !== last) {
      last = seen;
      opts.onChange?.(op);
    }
    if (ended(op)) return op;
    if (Date.now() > deadline) {
      await client.call('operations.cancel', { id }).catch(() => undefined);
      throw new Error(
        `gave up waiting for "${op.title}" after ${Math.round(opts.timeoutMs / 1000)} s (it was at: ${op.detail}); it was cancelled`,
      );
    }
    const why = await pause(interval, stop, (resume) =>
      client.subscribe('operation.progress', (p) => p.id === id && resume()),
    );
    if (why === 'stopped') return 'stopped';
  }
}

/** After Ctrl+C: cancel the operation and wait (bounded) until it says it has stopped. */
export async function cancelOperation(
  client: RaydeckClient,
  id: string,
  timeoutMs = 20_000,
): Promise<Operation> {
  let op = await client.call('operations.cancel', { id });
  const deadline = Date.now() + timeoutMs;
  while (!ended(op) && Date.now() < deadline) {
    await pause(250, NEVER_STOPPED);
    op = await client.call('operations.get', { id });
  }
  return op;
}
