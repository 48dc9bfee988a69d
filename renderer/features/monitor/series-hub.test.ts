/** Series points reach only the charts that show them, lines of one instant share an x, backfill goes under live points. */
import { describe, expect, it } from 'vitest';
import { LiveWindow } from './live-window';
import { SeriesHub } from './series-hub';

describe('SeriesHub', () => {
  it('merges two keys of one window by time, even when one key arrives after the other', () => {
    const hub = new SeriesHub();
    const w = new LiveWindow(2);
    hub.attach(w, ['dep/a/b/queueLength', 'dep/a/b/ongoingRequests']);
    hub.feed({
      'dep/a/b/queueLength': [
        [1000, 1],
        [2000, 2],
      ],
      'dep/a/b/ongoingRequests': [
        [1000, 5],
        [2000, 6],
      ],
      'dep/other/x/rps': [[1000, 9]],
    });
    expect(w.toAligned()).toEqual([
      [1, 2],
      [1, 2],
      [5, 6],
    ]);
  });

  it('a released window gets nothing more', () => {
    const hub = new SeriesHub();
    const w = new LiveWindow(1);
    const release = hub.attach(w, ['k']);
    release();
    hub.feed({ k: [[1000, 1]] });
    expect(w.size).toBe(0);
    expect(hub.keys()).toEqual([]);
  });

  it('backfill puts older points under the live ones', () => {
    const hub = new SeriesHub();
    const w = new LiveWindow(1);
    hub.attach(w, ['k']);
    hub.feed({ k: [[5000, 50]] });
    hub.backfill(w, ['k'], {
      k: [
        [3000, 30],
        [4000, 40],
        [5000, 49],
      ],
    });
    expect(w.toAligned()).toEqual([
      [3, 4, 5],
      [30, 40, 50],
    ]);
  });
});
