/**
 * A counting semaphore for the channels of one SSH connection. OpenSSH's sshd allows at most
 * `MaxSessions` (default 10) open sessions per connection and refuses the next with
 * "open failed"; exec, sftp, shell and forwardOut all count. Raydeck keeps below that by
 * holding a slot per open channel; extra requests wait in FIFO order instead of failing.
 */

export class ChannelSlots {
  private inUse = 0;
  private highest = 0;
  private readonly waiting: Array<{
    grant: () => void;
    signal?: AbortSignal;
    onAbort?: () => void;
  }> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`channel limit must be a positive integer, got ${limit}`);
  }

  /** Channels open now, requests waiting, and the most ever open at once. */
  usage(): { open: number; waiting: number; peak: number } {
    return { open: this.inUse, waiting: this.waiting.length, peak: this.highest };
  }

  /** Waits for a free slot; resolves to its release function (safe to call more than once). */
  take(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.inUse < this.limit) return Promise.resolve(this.grant());
    return new Promise((resolve, reject) => {
      const entry: (typeof this.waiting)[number] = { grant: () => resolve(this.grant()) };
      if (signal) {
        entry.signal = signal;
        entry.onAbort = () => {
          const at = this.waiting.indexOf(entry);
          if (at >= 0) this.waiting.splice(at, 1);
          reject(abortReason(signal));
        };
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      this.waiting.push(entry);
    });
  }

  private grant(): () => void {
    this.inUse++;
    this.highest = Math.max(this.highest, this.inUse);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inUse--;
      const next = this.waiting.shift();
      if (next) {
        if (next.signal && next.onAbort) next.signal.removeEventListener('abort', next.onAbort);
        next.grant();
      }
    };
  }
}

export function abortReason(signal: AbortSignal): Error {
  if (signal.reason instanceof Error) return signal.reason;
  const err = new Error('The operation was cancelled.');
  err.name = 'AbortError';
  return err;
}
