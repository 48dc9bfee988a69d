/** The browser-mode client transport against a scripted fake socket: ids, reconnect, re-subscribe. */
import { describe, expect, it } from 'vitest';
import { createWsTransport, type SocketLike } from './ws-client';

class FakeSocket implements SocketLike {
  readyState = 0;
  sent: unknown[] = [];
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.drop();
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  drop() {
    this.readyState = 3;
    this.onclose?.({});
  }
  receive(frame: unknown) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
}

function setup(maxAttempts = 5) {
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const transport = createWsTransport({
    url: 'ws://127.0.0.1:1/api/ws',
    createSocket: () => {
      const s = new FakeSocket();
      sockets.push(s);
      return s;
    },
    setTimer: (fn, ms) => timers.push({ fn, ms }),
    clearTimer: () => {},
    maxAttempts,
  });
  return { transport, sockets, timers };
}

describe('WebSocket transport', () => {
  it('queues calls until open and matches results by id', async () => {
    const { transport, sockets } = setup();
    const p = transport.call('clusters.list', {});
    sockets[0]!.open();
    expect(sockets[0]!.sent).toEqual([{ t: 'call', id: 1, method: 'clusters.list', input: {} }]);
    sockets[0]!.receive({ t: 'result', id: 1, result: { ok: true, value: [] } });
    await expect(p).resolves.toEqual({ ok: true, value: [] });
  });

  it('fails in-flight calls with a typed disconnected error and re-subscribes after reconnect', async () => {
    const { transport, sockets, timers } = setup();
    const statuses: string[] = [];
    transport.onStatus!((s) => statuses.push(s));
    const events: unknown[] = [];
    transport.subscribe('clusters.changed', (p) => events.push(p));
    sockets[0]!.open();
    const inflight = transport.call('clusters.list', {});
    sockets[0]!.drop();
    await expect(inflight).resolves.toMatchObject({ ok: false, error: { code: 'disconnected' } });
    expect(statuses).toContain('reconnecting');
    timers.shift()!.fn();
    sockets[1]!.open();
    expect(sockets[1]!.sent).toEqual([{ t: 'sub', event: 'clusters.changed' }]);
    sockets[1]!.receive({ t: 'event', event: 'clusters.changed', payload: [1] });
    expect(events).toEqual([[1]]);
    expect(statuses.at(-1)).toBe('open');
  });

  it('backs off exponentially, capped, and gives up after maxAttempts', () => {
    const { transport, sockets, timers } = setup(3);
    const statuses: string[] = [];
    transport.onStatus!((s) => statuses.push(s));
    for (let i = 0; i < 3; i++) {
      sockets.at(-1)!.drop();
      timers.at(-1)!.fn();
    }
    sockets.at(-1)!.drop();
    expect(timers.map((t) => t.ms)).toEqual([250, 500, 1000]);
    expect(statuses.at(-1)).toBe('closed');
  });

  it('ignores frames that are not valid protocol', () => {
    const { transport, sockets } = setup();
    const seen: unknown[] = [];
    transport.subscribe('operation.log', (p) => seen.push(p));
    sockets[0]!.open();
    sockets[0]!.onmessage?.({ data: 'not json' });
    sockets[0]!.receive({ t: 'event' });
    expect(seen).toEqual([]);
  });
});
