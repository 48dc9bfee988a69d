/**
 * How long to wait before the next background reconnect attempt: exponential, bounded and
 * jittered, so a node that comes back is found quickly while a node that stays down is not
 * hammered, and many connections lost at once (a switch reboot) do not retry in lockstep.
 */

export interface BackoffPolicy {
  /** Delay of the first retry before jitter (ms). */
  initialMs: number;
  /** Upper bound of any delay (ms). */
  maxMs: number;
  /** Fraction of the delay that is randomised (0 = none, 0.5 = delay × [0.5, 1]). */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 30_000, jitter: 0.5 };

/** Delay before retry number `attempt` (0-based), using `random` in [0, 1). */
export function reconnectDelayMs(
  attempt: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(attempt, 0), 30);
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
  const jitter = Math.min(Math.max(policy.jitter, 0), 1);
  return Math.round(ceiling * (1 - jitter * random()));
}
