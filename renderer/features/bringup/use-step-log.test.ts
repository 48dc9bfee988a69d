/** Log tails: bounded appends, and the backlog joined with live batches by offset, none counted twice. */
import { describe, expect, it } from 'vitest';
import { appendBounded, joinBacklog } from './use-step-log';

describe('step log tail', () => {
  it('keeps only the last lines', () => {
    expect(appendBounded(['a', 'b'], ['c'], 5)).toEqual(['a', 'b', 'c']);
    expect(appendBounded(['a', 'b', 'c'], ['d', 'e', 'f'], 4)).toEqual(['c', 'd', 'e', 'f']);
    expect(
      appendBounded(
        [],
        Array.from({ length: 10 }, (_, i) => String(i)),
        3,
      ),
    ).toEqual(['7', '8', '9']);
  });

  it('keeps exactly the live batches at or past the backlog end', () => {
    // The log "1\n2\n3\n" is 6 bytes; batch "3" started at 4 and is already in the backlog.
    expect(
      joinBacklog({ lines: ['1', '2', '3'], end: 6 }, [
        { at: 4, lines: ['3'] },
        { at: 6, lines: ['4'] },
      ]),
    ).toEqual(['1', '2', '3', '4']);
    expect(joinBacklog({ lines: ['1', '2'], end: 4 }, [{ at: 4, lines: ['3', '4'] }])).toEqual([
      '1',
      '2',
      '3',
      '4',
    ]);
    expect(joinBacklog({ lines: [], end: 0 }, [{ at: 0, lines: ['a'] }])).toEqual(['a']);
    expect(joinBacklog({ lines: ['x', 'y'], end: 4 }, [{ at: 4, lines: ['z'] }], 2)).toEqual([
      'y',
      'z',
    ]);
  });

  it('keeps repeated lines that really repeat (a line-matching join would drop them)', () => {
    expect(joinBacklog({ lines: ['.', '.'], end: 4 }, [{ at: 4, lines: ['.'] }])).toEqual([
      '.',
      '.',
      '.',
    ]);
    expect(joinBacklog({ lines: ['.', '.'], end: 4 }, [{ at: 2, lines: ['.'] }])).toEqual([
      '.',
      '.',
    ]);
  });
});
