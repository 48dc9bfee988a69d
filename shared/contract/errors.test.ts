import { describe, expect, it } from 'vitest';
import { RaydeckError, formatPath, isErrorShape, summarizeIssues } from './errors';

describe('contract errors', () => {
  it('formats field paths the way a user reads them', () => {
    expect(formatPath([])).toBe('(input)');
    expect(formatPath(['name'])).toBe('name');
    expect(formatPath(['nodes', 0, 'host'])).toBe('nodes[0].host');
  });

  it('survives a JSON round trip as plain data', () => {
    const e = new RaydeckError({
      code: 'validation',
      message: 'bad',
      issues: [{ path: 'name', message: 'is required' }],
    });
    const wire = JSON.parse(JSON.stringify(e.toShape()));
    expect(isErrorShape(wire)).toBe(true);
    expect(new RaydeckError(wire).issues).toEqual([{ path: 'name', message: 'is required' }]);
    expect(summarizeIssues(wire.issues)).toBe('name: is required');
  });
});
