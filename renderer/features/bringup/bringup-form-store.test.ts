/**
 * The Bring-up options draft: it starts from the newest run's options, never overrides what the
 * user typed, and turns back into the same options.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { BringUpOptions } from '../../../shared';
import {
  DEFAULT_DRAFT,
  draftToOptions,
  optionsToDraft,
  useBringupForm,
} from './bringup-form-store';

const index: BringUpOptions = {
  source: { kind: 'index', url: 'http://mirror.lan:8080/simple' },
  withVllm: false,
};
const wheelhouse: BringUpOptions = {
  source: { kind: 'wheelhouse', dir: '/data/wheels' },
  withVllm: true,
};

beforeEach(() => useBringupForm.setState({ drafts: {} }));

describe('bring-up options draft', () => {
  it('round-trips every source kind', () => {
    for (const o of [
      index,
      wheelhouse,
      { source: { kind: 'pypi' }, withVllm: true } as BringUpOptions,
    ])
      expect(draftToOptions(optionsToDraft(o))).toEqual(o);
    expect(optionsToDraft(index)).toEqual({
      ...DEFAULT_DRAFT,
      sourceKind: 'index',
      indexUrl: 'http://mirror.lan:8080/simple',
      withVllm: false,
    });
  });

  it('seeds a cluster once, from the newest run, and never over what the user typed', () => {
    const { seed, update } = useBringupForm.getState();
    seed('c1', index);
    expect(useBringupForm.getState().drafts.c1).toMatchObject({
      sourceKind: 'index',
      withVllm: false,
    });
    seed('c1', wheelhouse); // a later run shows up: the form already shows something, keep it
    expect(useBringupForm.getState().drafts.c1!.sourceKind).toBe('index');
    update('c2', { sourceKind: 'wheelhouse', wheelhouseDir: '/mine' });
    seed('c2', index);
    expect(useBringupForm.getState().drafts.c2).toMatchObject({
      sourceKind: 'wheelhouse',
      wheelhouseDir: '/mine',
    });
  });
});
