/**
 * Browser mode: the core served over HTTP + WebSocket on 127.0.0.1, for a jump host, CI and the
 * e2e tests. One random token per launch (see request-guard.ts); the built renderer is served
 * from the same origin; the WebSocket at /api/ws carries the contract (see shared wire.ts).
 * No request, however malformed, may take the process down (issue 16): every handler catches,
 * every socket has an `error` listener, and a failed call answers `internal` instead of
 * rejecting into the void.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  ClientFrame,
  MAX_FRAME_BYTES,
  contentSecurityPolicy,
  type Unsubscribe,
} from '../../shared';
import type { CoreService } from '../api/core-service';
import { checkRequest, pageCookieName } from './request-guard';
import { readStatic } from './static-files';

export interface BrowserServerOptions {
  service: CoreService;
  /** Folder with the built renderer (index.html + assets/). */
  staticDir: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token for tests; random by default. */
  token?: string;
  /** Where a failed request is logged (stderr by default); it never ends the process. */
  log?: (line: string) => void;
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
  const secrets = { token, pageSecret: randomBytes(32).toString('base64url') };
  let port = 0;
  const log = opts.log ?? ((line: string) => console.error(line));

  const server = http.createServer((req, res) => {
    handleHttp(req, res).catch((err: unknown) => {
      log(
        `raydeck: request ${JSON.stringify(String(req.url).slice(0, 200))} failed: ${(err as Error)?.stack ?? String(err)}`,
      );
      if (!res.headersSent) {
        res.writeHead(500, {
          'Content-Type': 'text/plain; charset=utf-8',
          'Cache-Control': 'no-store',
        });
        res.end('Internal error.\n');
      } else res.destroy();
    });
  });
  // A client that sends garbage gets Node's own 400/431 and is dropped; a reset connection is
  // not an error of ours.
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  const handleHttp = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const baseHeaders = {
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    };
    const verdict = checkRequest(req, port, secrets);
    if (!verdict.ok) {
      res.writeHead(verdict.status, {
        ...baseHeaders,
        'Content-Type': 'text/plain; charset=utf-8',
      });
      res.end(`${verdict.reason}\n`);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, {
        ...baseHeaders,
        Allow: 'GET, HEAD',
        'Content-Type': 'text/plain; charset=utf-8',
      });
      res.end('Method not allowed: the API is on the WebSocket.\n');
      return;
    }
    const url = verdict.url;
    // The page opened with the token gets the page cookie for its own files (assets, reloads);
    // the page itself reads the token from its address, keeps it in its tab and drops it from
    // the address bar. No redirect: a redirect built from the request path can point off-site
    // (`/.//evil.example/` is `//evil.example/` once normalised).
    const pageCookie =
      verdict.via === 'query'
        ? {
            'Set-Cookie': `${pageCookieName(port)}=${secrets.pageSecret}; HttpOnly; SameSite=Strict; Path=/`,
          }
        : {};
    const file = await readStatic(opts.staticDir, url.pathname);
    if (!file) {
      res.writeHead(404, { ...baseHeaders, 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Not found.\n');
      return;
    }
    res.writeHead(200, {
      ...baseHeaders,
      ...pageCookie,
      'Content-Type': file.type,
      'Content-Security-Policy': contentSecurityPolicy([
        `ws://127.0.0.1:${port}`,
        `ws://localhost:${port}`,
      ]),
      'Cache-Control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-store',
    });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  };

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  wss.on('error', (err) => log(`raydeck: WebSocket server error: ${err.message}`));
  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    try {
      const verdict = checkRequest(req, port, secrets);
      const refuse = (status: number, text: string) =>
        socket.end(
          `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${text}\n`,
        );
      if (!verdict.ok) return refuse(verdict.status, verdict.reason);
      if (verdict.url.pathname !== '/api/ws') return refuse(404, 'No WebSocket here.');
      // The API needs the token itself; the page cookie only serves the page's files.
      if (verdict.via === 'page-cookie')
        return refuse(
          401,
          'The WebSocket needs the token (?token= or a Bearer header), not the page cookie.',
        );
      wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, opts.service, log));
    } catch (err) {
      log(`raydeck: WebSocket upgrade failed: ${(err as Error)?.stack ?? String(err)}`);
      socket.destroy();
    }
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
function serveSocket(ws: WebSocket, service: CoreService, log: (line: string) => void) {
  const subs = new Map<string, Unsubscribe>();
  // A frame over the size limit or with invalid UTF-8 makes `ws` close the socket with 1009/1007
  // and emit `error`; without a listener that error would end the process.
  ws.on('error', () => ws.terminate());
  const send = (frame: unknown) => {
    if (ws.readyState !== ws.OPEN) return;
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) {
      ws.close(1013, 'client too slow');
      return;
    }
    try {
      ws.send(JSON.stringify(frame));
    } catch (err) {
      log(`raydeck: could not send a frame: ${(err as Error)?.message ?? String(err)}`);
    }
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
        send({
          t: 'result',
          id,
          result: { ok: false, error: { code: 'validation', message: 'Malformed request frame.' } },
        });
      }
      return;
    }
    const frame = parsed.data;
    switch (frame.t) {
      case 'call':
        service
          .call(frame.method, frame.input)
          .catch((err: unknown) => {
            log(`raydeck: ${frame.method} failed: ${(err as Error)?.stack ?? String(err)}`);
            return {
              ok: false as const,
              error: { code: 'internal', message: 'The core failed on this request; see its log.' },
            };
          })
          .then((result) => send({ t: 'result', id: frame.id, result }));
        break;
      case 'sub':
        if (subs.has(frame.event)) break;
        try {
          subs.set(
            frame.event,
            service.subscribe(frame.event, (payload) =>
              send({ t: 'event', event: frame.event, payload }),
            ),
          );
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
