/**
 * Ray's own dashboard for the user's browser, without opening it to the network: a local HTTP
 * proxy per cluster on 127.0.0.1 (a random port) that sends each request through the head's SSH
 * connection to the dashboard on the head's 127.0.0.1:8265, adding the head's Ray auth token.
 *
 * Who may use it: Ray's dashboard runs code on the cluster (jobs), so the proxy answers only a
 * browser that came through the address Raydeck hands out: `/?raydeck-key=K` trades K for an
 * HttpOnly, SameSite=Strict cookie and redirects to the same path without it; every other
 * request needs that cookie. Host must be 127.0.0.1/localhost at the proxy's port (DNS
 * rebinding). The Ray token never reaches the browser. Lives until the core is disposed.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RAY_PORTS, RaydeckError } from '../../shared';
import { readNodeToken } from '../bringup/remote-job';
import type { NodeInventory } from '../inventory/node-inventory';
import type { NodeAccess } from '../nodes/node-access';

const KEY_PARAM = 'raydeck-key';
/** Request headers that belong to the hop between the browser and the proxy, not to Ray. */
const HOP_HEADERS = new Set([
  'host',
  'cookie',
  'authorization',
  'x-ray-authorization',
  'connection',
  'keep-alive',
  'proxy-connection',
  'upgrade',
  'te',
  'trailer',
  'transfer-encoding',
]);

export interface DashboardProxyDeps {
  nodes: NodeInventory;
  access: NodeAccess;
  /** Where a failed request is noted (never thrown to the server). */
  log?: (line: string) => void;
}

interface RunningProxy {
  server: http.Server;
  port: number;
  key: string;
}

const same = (a: string, b: string | undefined) =>
  b !== undefined && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export class DashboardProxies {
  private readonly running = new Map<string, Promise<RunningProxy>>();

  constructor(private readonly deps: DashboardProxyDeps) {}

  /** The address that opens cluster `clusterId`'s Ray dashboard (starting its proxy on first use). */
  async open(clusterId: string): Promise<{ url: string }> {
    const head = (await this.deps.nodes.list(clusterId)).find((n) => n.role === 'head');
    if (!head)
      throw new RaydeckError({
        code: 'conflict',
        message: 'The cluster has no head node, so there is no Ray dashboard to open.',
      });
    let pending = this.running.get(clusterId);
    if (!pending) {
      pending = this.start(head.id);
      this.running.set(clusterId, pending);
      pending.catch(() => this.running.delete(clusterId));
    }
    const proxy = await pending;
    return { url: `http://127.0.0.1:${proxy.port}/?${KEY_PARAM}=${proxy.key}` };
  }

  dispose(): void {
    for (const p of this.running.values())
      void p.then(
        (r) => r.server.close(),
        () => {},
      );
    this.running.clear();
  }

  private async start(headId: string): Promise<RunningProxy> {
    const key = randomBytes(24).toString('base64url');
    let token: Promise<string | null> | null = null;
    const server = http.createServer((req, res) => {
      this.handle(
        req,
        res,
        headId,
        key,
        () => (token ??= this.token(headId).catch((err) => ((token = null), Promise.reject(err)))),
      ).catch((err: unknown) => {
        this.deps.log?.(`dashboard proxy: ${err instanceof Error ? err.message : String(err)}`);
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(
          `Raydeck could not reach the Ray dashboard on the head: ${err instanceof Error ? err.message : String(err)}`,
        );
      });
    });
    server.on('clientError', (_err, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    server.unref();
    return { server, port: (server.address() as AddressInfo).port, key };
  }

  private async token(headId: string): Promise<string | null> {
    const conn = await this.deps.access.lease(headId);
    try {
      return await readNodeToken(conn);
    } finally {
      conn.release();
    }
  }

  private async handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    headId: string,
    key: string,
    token: () => Promise<string | null>,
  ): Promise<void> {
    const port = (req.socket.localAddress && req.socket.localPort) || 0;
    const host = (req.headers.host ?? '').toLowerCase();
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('Host not allowed.');
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    } catch {
      res.writeHead(400).end('Bad request path.');
      return;
    }
    const cookieName = `raydeck-dash-${port}`;
    const given = url.searchParams.get(KEY_PARAM);
    if (given !== null) {
      if (!same(key, given)) {
        res
          .writeHead(403, { 'content-type': 'text/plain' })
          .end('Wrong key: open the Ray dashboard from Raydeck again.');
        return;
      }
      url.searchParams.delete(KEY_PARAM);
      // Same origin only: the path, never a host (a `//x` path would leave the proxy).
      const to = `/${url.pathname.replace(/^\/+/, '')}${url.search}`;
      res
        .writeHead(302, {
          location: to,
          'set-cookie': `${cookieName}=${key}; HttpOnly; SameSite=Strict; Path=/`,
          'cache-control': 'no-store',
        })
        .end();
      return;
    }
    if (!same(key, cookieValue(req.headers.cookie, cookieName))) {
      res
        .writeHead(401, { 'content-type': 'text/plain; charset=utf-8' })
        .end(
          'Open the Ray dashboard from Raydeck (the cluster page): this address needs the key Raydeck adds.',
        );
      return;
    }
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers))
      if (!HOP_HEADERS.has(name) && value !== undefined) headers[name] = value;
    headers.host = `127.0.0.1:${RAY_PORTS.dashboard}`;
    const t = await token();
    if (t) headers.authorization = `Bearer ${t}`;
    const conn = await this.deps.access.lease(headId);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      conn.release();
    };
    try {
      const stream = await conn.forwardOut('127.0.0.1', RAY_PORTS.dashboard);
      await new Promise<void>((resolve, reject) => {
        const upstream = http.request(
          {
            method: req.method,
            path: `${url.pathname}${url.search}`,
            headers,
            createConnection: () => stream as never,
            timeout: 60_000,
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
            answer.on('end', resolve);
            answer.on('error', reject);
          },
        );
        upstream.on('timeout', () =>
          upstream.destroy(new Error('the dashboard did not answer in 60 s')),
        );
        upstream.on('error', reject);
        res.on('close', () => upstream.destroy());
        req.pipe(upstream);
      });
    } finally {
      release();
    }
  }
}
