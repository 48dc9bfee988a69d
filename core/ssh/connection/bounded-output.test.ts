/** Remote output: live lines even when split across packets, and memory bounded by the limit. */
import { describe, expect, it } from 'vitest';
import { BoundedOutput } from './bounded-output';

describe('BoundedOutput', () => {
  it('delivers whole lines as they arrive, even when a line or a UTF-8 character spans chunks', () => {
    const lines: string[] = [];
    const out = new BoundedOutput(1024, (l) => lines.push(l));
    const text = Buffer.from('step 1 ok\r\nGPU ✓ ready\npartial');
    out.push(text.subarray(0, 5));
    out.push(text.subarray(5, 17)); // cuts inside "✓" (3 bytes)
    expect(lines).toEqual(['step 1 ok']);
    out.push(text.subarray(17));
    expect(lines).toEqual(['step 1 ok', 'GPU ✓ ready']);
    out.finish();
    expect(lines).toEqual(['step 1 ok', 'GPU ✓ ready', 'partial']);
    expect(out.text()).toBe(text.toString());
  });

  it('keeps only the last bytes of a flood and says how much was dropped', () => {
    const out = new BoundedOutput(10);
    for (let i = 0; i < 100; i++) out.push(Buffer.from(`line ${i}\n`));
    out.push(Buffer.from('{"ok":1}\n'));
    const text = out.text();
    expect(text.endsWith('{"ok":1}\n')).toBe(true);
    expect(text).toMatch(/^\[\d+ earlier bytes of output not kept\]\n/);
    expect(Buffer.byteLength(text.split('\n').slice(1).join('\n'))).toBeLessThanOrEqual(10);
  });

  it('hands over an endless line in pieces instead of buffering it all', () => {
    const pieces: string[] = [];
    const out = new BoundedOutput(8, (l) => pieces.push(l));
    out.push(Buffer.from('x'.repeat(20)));
    expect(pieces).toEqual(['x'.repeat(20)]);
  });
});
