import { describe, expect, it } from 'vitest';
import { hasAnsi, parseAnsi, stripAnsi } from './ansi';

describe('ANSI escape sequences', () => {
  it("strips SGR colours, erase-line and titles from Ray's and pip's lines", () => {
    expect(stripAnsi('\x1b[35m(raylet)\x1b[0m started')).toBe('(raylet) started');
    expect(stripAnsi('\x1b[1m\x1b[33mWARNING\x1b[39m\x1b[22m: retrying')).toBe('WARNING: retrying');
    expect(stripAnsi('50%\x1b[K\x1b]0;title\x07 done\x1b[2A')).toBe('50% done');
    expect(stripAnsi('plain')).toBe('plain');
    expect(hasAnsi('plain')).toBe(false);
  });

  it('keeps only colours (and resets them) when asked, dropping cursor moves and titles', () => {
    expect(stripAnsi('\x1b[35mray\x1b]0;pwned\x07\x1b[2J', { keepColours: true })).toBe(
      '\x1b[35mray\x1b[0m',
    );
    expect(stripAnsi('50%\x1b[K', { keepColours: true })).toBe('50%');
  });

  it('parses colours into runs: 16 colours, bright, 256, true colour, reset', () => {
    const { runs, end } = parseAnsi(
      'a\x1b[31mred\x1b[1;92mbright\x1b[38;5;208mx\x1b[48;2;255;0;16my\x1b[0mz',
    );
    expect(runs).toEqual([
      { text: 'a', style: {} },
      { text: 'red', style: { fg: 1 } },
      { text: 'bright', style: { fg: 10, bold: true } },
      { text: 'x', style: { fg: 208, bold: true } },
      { text: 'y', style: { fg: 208, bold: true, bg: '#ff0010' } },
      { text: 'z', style: {} },
    ]);
    expect(end).toEqual({});
  });

  it('carries a colour left open to the next line', () => {
    const first = parseAnsi('\x1b[36mINFO line one');
    expect(first.end).toEqual({ fg: 6 });
    const second = parseAnsi('line two\x1b[0m', first.end);
    expect(second.runs).toEqual([{ text: 'line two', style: { fg: 6 } }]);
    expect(second.end).toEqual({});
  });
});
