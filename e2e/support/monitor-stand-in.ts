/**
 * A stand-in core for the Monitor page in Chromium (the browser test of the page object and
 * the UI bench): the real browser-mode server over a CoreService whose handlers answer the
 * Monitor page's calls from a snapshot the caller holds, push monitor.* events on demand, and
 * answer serve.scalePreview / serve.scale / operations.get as the caller sets them. Anything
 * else is refused (not_found) with the method's name. The real monitor core needs SSH nodes and
 * Ray; the cluster suite drives that one through the same page object.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreService, type Handlers } from '../../core/api/core-service';
import { EventBus } from '../../core/api/event-bus';
import { startBrowserServer, type BrowserServer } from '../../core/server/browser-server';
import {
  RaydeckError,
  type Cluster,
  type EventName,
  type EventPayload,
  type MethodName,
  type MonitorSnapshot,
  type SeriesDelta,
} from '../../shared';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RENDERER_DIR = path.join(ROOT, 'dist', 'renderer');

type Answer = (input: never) => unknown;

export interface MonitorStandIn {
  server: BrowserServer;
  url: string;
  snapshot: MonitorSnapshot;
  /** Extra or replaced answers by method name. */
  answers: Partial<Record<MethodName, Answer>>;
  /** History a chart asks for (monitor.series); default none. */
  series: (keys: string[]) => SeriesDelta;
  calls: { method: string; input: unknown }[];
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void;
  close(): Promise<void>;
}

export async function startMonitorStandIn(
  cluster: Cluster,
  snapshot: MonitorSnapshot,
  /** The built renderer to serve (default dist/renderer; the UI bench can serve a build of its own). */
  staticDir: string = RENDERER_DIR,
): Promise<MonitorStandIn> {
  const bus = new EventBus();
  const self = {
    snapshot,
    answers: {},
    series: () => ({}),
    calls: [],
    emit: (event, payload) => bus.emit(event, payload),
  } as Omit<MonitorStandIn, 'server' | 'url' | 'close'>;
  const handlers = new Proxy({} as Handlers, {
    get: (_t, method: string) => async (input: unknown) => {
      self.calls.push({ method, input });
      const own = self.answers[method as MethodName];
      if (own) return own(input as never);
      switch (method) {
        case 'clusters.list':
          return [cluster];
        case 'monitor.subscribe':
        case 'monitor.snapshot':
          return self.snapshot;
        case 'monitor.unsubscribe':
          return { stopped: true };
        case 'monitor.series':
          return { at: Date.now(), series: self.series((input as { keys: string[] }).keys) };
        default:
          throw new RaydeckError({
            code: 'not_found',
            message: `The monitor stand-in does not answer ${method}.`,
          });
      }
    },
  });
  const service = new CoreService(handlers, bus, { error: () => {} });
  const server = await startBrowserServer({
    service,
    staticDir,
    port: 0,
    log: () => {},
  });
  return Object.assign(self, { server, url: server.url, close: () => server.close() });
}
