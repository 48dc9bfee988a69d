/**
 * The contract's declarations: a method is long work exactly when its output starts an
 * operation (read from the schema, so cluster.stop, cluster.down and cluster.removeWorker are
 * marked as they answer), and feature groups merge only when no name is declared twice.
 */
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { defineMethod, mergeGroups, startsOperation } from './define';
import { events } from './events';
import { methods } from './methods';

describe('contract declarations', () => {
  it('marks as long work exactly the methods that answer with an operation id', () => {
    const longWork = Object.entries(methods)
      .filter(([, m]) => m.longRunning)
      .map(([name]) => name)
      .sort();
    expect(longWork).toEqual([
      'app.checkLocal',
      'cluster.down',
      'cluster.removeWorker',
      'cluster.stop',
      'models.place',
      'nodes.check',
      'serve.apply',
      'serve.rollback',
      'serve.scale',
    ]);
    expect(methods['cluster.start'].longRunning).toBe(false);
    expect(startsOperation(z.object({ operationId: z.string(), version: z.number() }))).toBe(true);
    expect(startsOperation(z.array(z.object({ operationId: z.string() })))).toBe(false);
    const plain = defineMethod({ summary: 's', input: z.object({}), output: z.string() });
    expect(plain.longRunning).toBe(false);
  });

  it('merges feature groups and refuses a name declared in two of them', () => {
    const a = { 'x.one': 1, 'x.two': 2 };
    expect(mergeGroups('method', a, { 'y.one': 3 })).toEqual({
      'x.one': 1,
      'x.two': 2,
      'y.one': 3,
    });
    expect(() => mergeGroups('event', a, { 'x.two': 4 })).toThrow(
      'the event "x.two" is declared twice in the contract',
    );
    expect(Object.keys(methods).length).toBeGreaterThan(50);
    expect(Object.keys(events)).toContain('operation.progress');
  });
});
