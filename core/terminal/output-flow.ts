/**
 * Ack-based flow control for one terminal's output (as Tabby's app/lib/pty.ts and VS Code's
 * terminal do it): output is coalesced into chunks (flushed every few ms or once a chunk is
 * full), each chunk is numbered and sent, and the characters sent but not yet acknowledged by the
 * UI are counted. Above the high-water mark the producer is paused; once acks bring the count
 * down to the low-water mark it resumes. Nothing is dropped and order is kept: a paused producer
 * simply stops being read, so `yes` runs only as fast as the UI draws.
 */
import {
  TERMINAL_CHUNK_CHARS,
  TERMINAL_FLUSH_MS,
  TERMINAL_HIGH_WATER,
  TERMINAL_LOW_WATER,
} from '../../shared/domain/terminal';

export interface FlowSource {
  pause(): void;
  resume(): void;
}

export interface OutputFlowOptions {
  source: FlowSource;
  /** Sends one chunk to the UI. */
  send(seq: number, data: string): void;
  chunkChars?: number;
  flushMs?: number;
  highWater?: number;
  lowWater?: number;
}

export class OutputFlow {
  private pending: string[] = [];
  private pendingChars = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private seqCounter = 0;
  private unackedChars = 0;
  private paused = false;
  private readonly chunkChars: number;
  private readonly flushMs: number;
  private readonly highWater: number;
  private readonly lowWater: number;

  constructor(private readonly opts: OutputFlowOptions) {
    this.chunkChars = opts.chunkChars ?? TERMINAL_CHUNK_CHARS;
    this.flushMs = opts.flushMs ?? TERMINAL_FLUSH_MS;
    this.highWater = opts.highWater ?? TERMINAL_HIGH_WATER;
    this.lowWater = opts.lowWater ?? TERMINAL_LOW_WATER;
  }

  /** The seq of the last chunk sent (0 before the first). */
  get seq(): number {
    return this.seqCounter;
  }

  get unacked(): number {
    return this.unackedChars;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Output from the producer. Coalesced; a full chunk goes out at once. */
  push(data: string): void {
    if (data.length === 0) return;
    this.pending.push(data);
    this.pendingChars += data.length;
    if (this.pendingChars >= this.chunkChars) this.flush();
    else if (this.timer === null) this.timer = setTimeout(() => this.flush(), this.flushMs);
  }

  /** Sends everything pending now (also called before an exit is reported, so no output trails it). */
  flush(): void {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.pendingChars === 0) return;
    const all = this.pending.join('');
    this.pending = [];
    this.pendingChars = 0;
    let at = 0;
    while (at < all.length) {
      let end = Math.min(at + this.chunkChars, all.length);
      // Never split a surrogate pair across two chunks.
      if (end < all.length && end - 1 > at && isHighSurrogate(all.charCodeAt(end - 1))) end -= 1;
      const chunk = all.slice(at, end);
      at = end;
      this.seqCounter += 1;
      this.unackedChars += chunk.length;
      this.opts.send(this.seqCounter, chunk);
    }
    if (!this.paused && this.unackedChars >= this.highWater) {
      this.paused = true;
      this.opts.source.pause();
    }
  }

  /** The UI drew `chars` more characters. */
  ack(chars: number): void {
    this.unackedChars = Math.max(0, this.unackedChars - chars);
    if (this.paused && this.unackedChars <= this.lowWater) {
      this.paused = false;
      this.opts.source.resume();
    }
  }

  /** Forgets every unacknowledged character (a window re-attached; the old one will never ack). */
  forgive(): void {
    this.ack(this.unackedChars);
  }

  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.pending = [];
    this.pendingChars = 0;
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
