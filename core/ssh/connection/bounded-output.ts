/**
 * One output stream of a remote command, kept within a byte limit and cut into lines as it
 * arrives. The tail is kept (a script's result is its last line); what was dropped is said at
 * the top, never silently. A line longer than the limit is delivered in pieces rather than
 * buffered without bound.
 */
import { StringDecoder } from 'node:string_decoder';

export class BoundedOutput {
  private chunks: Buffer[] = [];
  private kept = 0;
  private dropped = 0;
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';

  constructor(
    private readonly maxBytes: number,
    private readonly onLine?: (line: string) => void,
  ) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.kept += chunk.length;
    while (this.kept > this.maxBytes && this.chunks.length > 0) {
      const first = this.chunks[0]!;
      const excess = this.kept - this.maxBytes;
      if (first.length <= excess) {
        this.chunks.shift();
        this.kept -= first.length;
        this.dropped += first.length;
      } else {
        this.chunks[0] = first.subarray(excess);
        this.kept -= excess;
        this.dropped += excess;
      }
    }
    if (this.onLine) this.split(this.decoder.write(chunk));
  }

  /** Delivers the last, unterminated line (if any). */
  finish(): void {
    if (!this.onLine) return;
    this.split(this.decoder.end());
    if (this.pending) this.onLine(this.pending);
    this.pending = '';
  }

  text(): string {
    const body = Buffer.concat(this.chunks).toString('utf8');
    return this.dropped > 0 ? `[${this.dropped} earlier bytes of output not kept]\n${body}` : body;
  }

  private split(text: string): void {
    // One pass over the chunk (the monitor's streams bring ~100,000 lines a second on a fleet):
    // no per-line regex, no re-slicing of what is left.
    const all = this.pending ? this.pending + text : text;
    let start = 0;
    let at: number;
    while ((at = all.indexOf('\n', start)) >= 0) {
      const end = at > start && all.charCodeAt(at - 1) === 13 ? at - 1 : at;
      this.onLine!(all.slice(start, end));
      start = at + 1;
    }
    this.pending = start === 0 ? all : all.slice(start);
    if (this.pending.length > this.maxBytes) {
      this.onLine!(this.pending);
      this.pending = '';
    }
  }
}
