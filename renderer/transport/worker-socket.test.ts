/** The page's side of the worker-received WebSocket, over a fake worker, and its fallback to a direct socket. */
import { describe, expect, it } from 'vitest';
import type { SocketLike } from '../../shared/transport/ws-client';
import {
  workerSocketFactory,
  type FromSocketWorker,
  type ToSocketWorker,
  type WorkerLike,
} from './worker-socket';

class FakeWorker implements WorkerLike {
  received: ToSocketWorker[] = [];
  terminated = false;
  onmessage: ((ev: { data: FromSocketWorker }) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  postMessage(m: ToSocketWorker) {
    this.received.push(m);
  }
  terminate() {
    this.terminated = true;
  }
  from(m: FromSocketWorker) {
    this.onmessage?.({ data: m });
  }
}

function directSockets() {
  const urls: string[] = [];
  const make = (url: string) => {
    urls.push(url);
    return { readyState: 0 } as unknown as SocketLike;
  };
  return { urls, make };
}

describe('worker socket', () => {
  it('opens the URL in the worker, relays frames in order, sends only once open, and closes', () => {
    const w = new FakeWorker();
    const direct = directSockets();
    const s = workerSocketFactory(() => w, direct.make)('ws://127.0.0.1:1/api/ws?token=t');
    const seen: unknown[] = [];
    s.onopen = () => seen.push('open');
    s.onmessage = (ev) => seen.push(ev.data);
    s.onclose = (ev) => seen.push(ev);
    expect(w.received).toEqual([{ t: 'open', url: 'ws://127.0.0.1:1/api/ws?token=t' }]);
    expect(() => s.send('too early')).toThrow(/not open/);
    w.from({ t: 'open' });
    expect(s.readyState).toBe(1);
    s.send('{"t":"sub","event":"monitor.delta"}');
    w.from({ t: 'message', data: 'first' });
    w.from({ t: 'message', data: 'second' });
    s.close(1000, 'bye');
    expect(s.readyState).toBe(2);
    w.from({ t: 'close', code: 1000, reason: 'bye' });
    expect(s.readyState).toBe(3);
    expect(w.terminated).toBe(true);
    expect(seen).toEqual(['open', 'first', 'second', { code: 1000, reason: 'bye' }]);
    expect(w.received.slice(1)).toEqual([
      { t: 'send', data: '{"t":"sub","event":"monitor.delta"}' },
      { t: 'close', code: 1000, reason: 'bye' },
    ]);
    expect(direct.urls).toEqual([]);
  });

  it('a worker that fails before a word closes its socket abnormally; later sockets are direct', () => {
    const w = new FakeWorker();
    const direct = directSockets();
    const factory = workerSocketFactory(() => w, direct.make);
    const s = factory('ws://127.0.0.1:1/a');
    let closed: unknown = null;
    s.onclose = (ev) => (closed = ev);
    w.onerror?.({ message: 'refused' });
    expect(closed).toMatchObject({ code: 1006 });
    expect(w.terminated).toBe(true);
    factory('ws://127.0.0.1:1/b');
    expect(direct.urls).toEqual(['ws://127.0.0.1:1/b']);
  });

  it('a worker that worked and then dropped is tried again for the next socket', () => {
    const workers: FakeWorker[] = [];
    const direct = directSockets();
    const factory = workerSocketFactory(() => {
      workers.push(new FakeWorker());
      return workers.at(-1)!;
    }, direct.make);
    factory('ws://127.0.0.1:1/a');
    workers[0]!.from({ t: 'open' });
    workers[0]!.from({ t: 'error' });
    workers[0]!.from({ t: 'close', code: 1006, reason: '' });
    factory('ws://127.0.0.1:1/a');
    expect(workers).toHaveLength(2);
    expect(direct.urls).toEqual([]);
  });

  it('without a Worker the page opens the WebSocket itself', () => {
    const direct = directSockets();
    workerSocketFactory(null, direct.make)('ws://127.0.0.1:1/a');
    expect(direct.urls).toEqual(['ws://127.0.0.1:1/a']);
  });
});
