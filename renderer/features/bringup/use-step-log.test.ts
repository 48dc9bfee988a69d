/** Log tails: bounded appends, and the backlog joined with live lines without counting any twice. */
import { describe, expect, it } from 'vitest';
import { appendBounded, mergeBacklog } from './use-step-log';

describe('step log tail', () => {
  it('keeps only the last lines', () => {
    expect(appendBounded(['a', 'b'], ['c'], 5)).toEqual(['a', 'b', 'c']);
    expect(appendBounded(['a', 'b', 'c'], ['d', 'e', 'f'], 4)).toEqual(['c', 'd', 'e', 'f']);
    expect(appendBounded([], Array.from({ length: 10 }, (_, i) => String(i)), 3)).toEqual(['7', '8', '9']);
  });

  it('counts lines both in the backlog and in the live stream once', () => {
    expect(mergeBacklog(['1', '2', '3'], ['3', '4'])).toEqual(['1', '2', '3', '4']);
    expect(mergeBacklog(['1', '2'], ['3', '4'])).toEqual(['1', '2', '3', '4']);
    expect(mergeBacklog(['1', '2', '3', '4'], ['3', '4'])).toEqual(['1', '2', '3', '4']);
    expect(mergeBacklog([], ['a'])).toEqual(['a']);
    expect(mergeBacklog(['x', 'y'], ['z'], 2)).toEqual(['y', 'z']);
  });
});
