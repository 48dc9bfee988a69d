/**
 * Browser mode: the core served over HTTP + WebSocket on 127.0.0.1, for a jump host, CI and the
 * e2e tests. One random token per launch (see request-guard.ts); the built renderer is served
 * from the same origin; the WebSocket at /api/ws carries the contract (see shared wire.ts).
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { ClientFrame, MAX_FRAME_BYTES, contentSecurityPolicy, type Unsubscribe } from '../../shared';
import type { CoreService } from '../api/core-service';
import { checkRequest, tokenCookieName } from './request-guard';
import { readStatic } from './static-files';

export interface BrowserServerOptions {
  service: CoreService;
  /** Folder with the built renderer (index.html + assets/). */
  staticDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token for tests; random by default. */
  token?: string;
}

export interface BrowserServer {
  port: number;
  token: string;
  /** The URL to open, token included (as Jupyter prints it). */
  url: string;
  close(): Promise<void>;
}

/** A socket whose send buffer grows past this is too slow; it is closed and will reconnect. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

export async function startBrowserServer(opts: BrowserServerOptions): Promise<BrowserServer> {
  const token = opts.token ?? randomBytes(32).toString('base64url');
  let port = 0;

  const server = http.createServer((req, res) => {
    void handleHttp(req, res);
  });

  const handleHttp = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const baseHeaders = {
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    };
    const verdict = checkRequest(req, port, token);
    if (!verdict.ok) {
      res.writeHead(verdict.status, { ...baseHeaders, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`${verdict.reason}\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...baseHeaders, Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Method not allowed: the API is on the WebSocket.\n');
      return;
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (verdict.tokenFromQuery) {
      // Trade the token in the URL for an HttpOnly cookie, then drop it from the address bar.
      url.searchParams.delete('token');
      res.writeHead(302, {
        ...baseHeaders,
        'Set-Cookie': `${tokenCookieName(port)}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
        Location: `${url.pathname}${url.search}`,
      });
      res.end();
      return;
    }
    const file = await readStatic(opts.staticDir, url.pathname);
    if (!file) {
      res.writeHead(404, { ...baseHeaders, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Not found.\n');
      return;
    }
    res.writeHead(200, {
      ...baseHeaders,
      'Content-Type': file.type,
      'Content-Security-Policy': contentSecurityPolicy([`ws://127.0.0.1:${port}`, `ws://localhost:${port}`]),
      'Cache-Control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const verdict = checkRequest(req, port, token);
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    if (!verdict.ok || pathname !== '/api/ws') {
      const status = !verdict.ok ? verdict.status : 404;
      const text = !verdict.ok ? verdict.reason : 'No WebSocket here.';
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${text}\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, opts.service));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

/** One client: calls answered by id, subscriptions owned by the socket and dropped with it. */
function serveSocket(ws: WebSocket, service: CoreService) {
  const subs = new Map<string, Unsubscribe>();
  const send = (frame: unknown) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.close(1013, 'client too slow');
      return;
    }
    ws.send(JSON.stringify(frame));
  };

  ws.on('message', (data, isBinary) => {
    if (isBinary) return;
    let raw: unknown;
    try {
      raw = JSON.parse(data.toString());
    } catch {
      return;
    }
    const parsed = ClientFrame.safeParse(raw);
    if (!parsed.success) {
      // Answer a malformed call if we can tell which one it was.
      const id = (raw as { id?: unknown } | null)?.id;
      if (typeof id === 'number' && Number.isInteger(id) && id >= 0) {
        send({ t: 'result', id, result: { ok: false, error: { code: 'validation', message: 'Malformed request frame.' } } });
      }
      return;
    }
    const frame = parsed.data;
    switch (frame.t) {
      case 'call':
        void service.call(frame.method, frame.input).then((result) => send({ t: 'result', id: frame.id, result }));
        break;
      case 'sub':
        if (subs.has(frame.event)) break;
        try {
          subs.set(frame.event, service.subscribe(frame.event, (payload) => send({ t: 'event', event: frame.event, payload })));
        } catch {
          // Unknown event names are ignored; the contract's client cannot produce them.
        }
        break;
      case 'unsub':
        subs.get(frame.event)?.();
        subs.delete(frame.event);
        break;
    }
  });
  ws.on('close', () => {
    for (const off of subs.values()) off();
    subs.clear();
  });
}
