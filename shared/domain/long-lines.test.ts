import { describe, expect, it } from 'vitest';
import { capLine } from './long-lines';

describe('capLine', () => {
  it('keeps short lines and cuts long ones, saying how much was cut', () => {
    expect(capLine('abc', 5)).toBe('abc');
    expect(capLine('x'.repeat(1_000_000), 10)).toBe(`${'x'.repeat(10)}… (999990 more characters)`);
  });
});
