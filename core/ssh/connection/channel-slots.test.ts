/** Channel slots: never more channels than the limit, waiters served in order, cancellable. */
import { describe, expect, it } from 'vitest';
import { ChannelSlots } from './channel-slots';

describe('ChannelSlots', () => {
  it('keeps open channels under the limit and lets queued work through as channels close', async () => {
    const slots = new ChannelSlots(2);
    const a = await slots.take();
    const b = await slots.take();
    const order: string[] = [];
    const c = slots.take().then((release) => (order.push('c'), release));
    const d = slots.take().then((release) => (order.push('d'), release));
    expect(slots.usage()).toEqual({ open: 2, waiting: 2, peak: 2 });
    a();
    a(); // releasing twice frees one slot only
    const releaseC = await c;
    expect(order).toEqual(['c']);
    expect(slots.usage().open).toBe(2);
    b();
    (await d)();
    releaseC();
    expect(slots.usage()).toEqual({ open: 0, waiting: 0, peak: 2 });
  });

  it('drops a cancelled request from the queue without taking a slot', async () => {
    const slots = new ChannelSlots(1);
    const first = await slots.take();
    const controller = new AbortController();
    const queued = slots.take(controller.signal);
    controller.abort();
    await expect(queued).rejects.toThrow(/cancel|abort/i);
    first();
    expect(slots.usage()).toEqual({ open: 0, waiting: 0, peak: 1 });
  });
});
