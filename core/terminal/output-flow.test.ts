/** Ack-based flow control: a flooding source is paused at the high-water mark and resumed by acks, nothing lost, order kept. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { OutputFlow } from './output-flow';

class FakeSource {
  paused = false;
  pauses = 0;
  resumes = 0;
  pause() {
    this.paused = true;
    this.pauses += 1;
  }
  resume() {
    this.paused = false;
    this.resumes += 1;
  }
}

function setup(opts: { chunkChars?: number; highWater?: number; lowWater?: number } = {}) {
  const source = new FakeSource();
  const sent: { seq: number; data: string }[] = [];
  const flow = new OutputFlow({
    source,
    send: (seq, data) => sent.push({ seq, data }),
    flushMs: 10,
    chunkChars: 100,
    highWater: 500,
    lowWater: 100,
    ...opts,
  });
  return { source, sent, flow };
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('OutputFlow', () => {
  it('coalesces small writes into one chunk after the flush interval', () => {
    const { flow, sent } = setup();
    flow.push('a');
    flow.push('b');
    flow.push('c');
    expect(sent).toEqual([]);
    vi.advanceTimersByTime(10);
    expect(sent).toEqual([{ seq: 1, data: 'abc' }]);
  });

  it('sends a full chunk at once and splits big output into numbered chunks', () => {
    const { flow, sent } = setup();
    flow.push('x'.repeat(250));
    expect(sent.map((s) => s.data.length)).toEqual([100, 100, 50]);
    expect(sent.map((s) => s.seq)).toEqual([1, 2, 3]);
  });

  it('pauses the source at the high-water mark and resumes it only once acks reach the low-water mark', () => {
    const { flow, source } = setup();
    for (let i = 0; i < 4; i++) flow.push('y'.repeat(100));
    expect(source.paused).toBe(false);
    flow.push('y'.repeat(100));
    expect(source.paused).toBe(true);
    expect(flow.unacked).toBe(500);
    flow.ack(300);
    expect(source.paused).toBe(true);
    flow.ack(100);
    expect(source.paused).toBe(false);
    expect(source.pauses).toBe(1);
    expect(source.resumes).toBe(1);
  });

  it('loses nothing and keeps order through many pause/resume cycles of a flood', () => {
    const { flow, sent, source } = setup();
    let produced = '';
    let acked = 0;
    for (let i = 0; i < 2000; i++) {
      if (!source.paused) {
        const line = `line ${i} ${'é'.repeat(i % 7)}\n`;
        produced += line;
        flow.push(line);
      }
      // The UI draws slowly: acks a bit of what was sent every few steps.
      if (i % 5 === 0) {
        const received = sent.reduce((n, s) => n + s.data.length, 0);
        const step = Math.min(60, received - acked);
        acked += step;
        flow.ack(step);
      }
      vi.advanceTimersByTime(1);
      expect(flow.unacked).toBeLessThanOrEqual(500 + 100);
    }
    vi.advanceTimersByTime(20);
    expect(source.pauses).toBeGreaterThan(3);
    expect(sent.map((s) => s.data).join('')).toBe(produced);
    expect(sent.map((s) => s.seq)).toEqual(sent.map((_, i) => i + 1));
  });

  it('never splits a surrogate pair between chunks', () => {
    const { flow, sent } = setup({ chunkChars: 5 });
    flow.push('abcd😀ef');
    expect(sent.map((s) => s.data)).toEqual(['abcd', '😀ef']);
  });

  it('forgive() resumes a source paused for a window that will never ack', () => {
    const { flow, source } = setup();
    flow.push('z'.repeat(600));
    expect(source.paused).toBe(true);
    flow.forgive();
    expect(source.paused).toBe(false);
    expect(flow.unacked).toBe(0);
  });
});
