/** The scaling form: typed text to a ScaleChange or a specific message; the diff as lines. */
import { describe, expect, it } from 'vitest';
import { deployment } from './monitor-fixtures';
import { diffLines, initialScaleForm, scaleChange } from './scale-form';

describe('scale form', () => {
  it('starts from what the deployment runs', () => {
    expect(initialScaleForm(deployment('a', 'b', { desired: 3 }))).toMatchObject({
      mode: 'replicas',
      replicas: '3',
    });
    const auto = initialScaleForm(
      deployment('a', 'b', { autoscaling: { min: 1, max: 4, targetOngoingRequests: 2 } }),
    );
    expect(auto).toMatchObject({ mode: 'autoscaling', min: '1', max: '4', target: '2' });
  });

  it('checks what was typed', () => {
    const f = { mode: 'replicas' as const, replicas: '2', min: '1', max: '1', target: '' };
    expect(scaleChange(f)).toEqual({ change: { replicas: 2 } });
    expect(scaleChange({ ...f, replicas: '2.5' })).toEqual({
      error: 'Replicas must be a whole number',
    });
    expect(scaleChange({ ...f, replicas: '1001' })).toEqual({
      error: 'Replicas must be at most 1000',
    });
    const a = { ...f, mode: 'autoscaling' as const, min: '3', max: '2' };
    expect(scaleChange(a)).toEqual({ error: 'Min replicas (3) must be at most max replicas (2)' });
    expect(scaleChange({ ...a, min: '1', target: '0' })).toEqual({
      error: 'Target ongoing requests must be a number above 0',
    });
    expect(scaleChange({ ...a, min: '1', target: '5' })).toEqual({
      change: { min: 1, max: 2, target: 5 },
    });
    expect(scaleChange({ ...a, min: '1' })).toEqual({ change: { min: 1, max: 2 } });
  });

  it('diff lines name the app, deployment and field', () => {
    expect(
      diffLines({
        applications: [
          {
            name: 'llm',
            change: 'changed',
            liveStatus: 'RUNNING',
            fields: [],
            deployments: [
              {
                name: 'LLM',
                change: 'changed',
                fields: [{ path: ['num_replicas'], kind: 'changed', before: 1, after: 3 }],
              },
            ],
          },
        ],
        deletes: [],
        ignoredTopLevel: [],
        changed: true,
      }),
    ).toEqual(['llm/LLM num_replicas: 1 → 3']);
  });
});
