import { describe, expect, it } from 'vitest';
import { forStream } from './output';

describe('CLI lines on a stream (issue 19 item 4)', () => {
  const line = '\x1b[33m(raylet)\x1b[0m node started\x1b]0;title\x07';
  it('writes plain text to a pipe or a file: no colour codes', () => {
    expect(forStream({ isTTY: false }, line)).toBe('(raylet) node started');
    expect(forStream({}, line)).toBe('(raylet) node started');
  });
  it('keeps colours on a terminal, and only colours', () => {
    expect(forStream({ isTTY: true }, line)).toBe('\x1b[33m(raylet)\x1b[0m node started\x1b[0m');
  });
});
