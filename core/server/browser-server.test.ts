/**
 * Browser mode over real sockets: token, Host and Origin checks (DNS rebinding), the cookie
 * exchange, static files with CSP, and the WebSocket transport end to end (validation errors,
 * events, re-subscription after the server drops the socket).
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  MAX_FRAME_BYTES,
  createClient,
  type RaydeckClient,
  type TransportStatus,
} from '../../shared';
import { createWsTransport, type SocketLike } from '../../shared/transport/ws-client';
import { createCore } from '../api/create-core';
import { makeTempHome } from '../testing/temp-home';
import { createMemoryTransport } from '../transport/memory-transport';

const createMemoryTransportFor = (core: ReturnType<typeof createCore>) =>
  createMemoryTransport(core.service);
import { startBrowserServer, type BrowserServer } from './browser-server';

let server: BrowserServer;
let home: { home: string; cleanup(): void };
let staticDir: string;

beforeAll(async () => {
  home = makeTempHome();
  staticDir = path.join(home.home, 'static');
  fs.mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Raydeck</title>');
  fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  fs.writeFileSync(path.join(home.home, 'secret.txt'), 'top secret');
  const core = createCore({ home: home.home, mode: 'browser' });
  server = await startBrowserServer({ service: core.service, staticDir });
});
afterAll(async () => {
  await server.close();
  home.cleanup();
});

function get(
  pathname: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        path: pathname,
        headers: { host: `127.0.0.1:${server.port}`, ...headers },
      },
      (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

function wsOpen(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ opened: boolean; status?: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    ws.on('open', () => {
      ws.close();
      resolve({ opened: true });
    });
    ws.on('unexpected-response', (_req, res) => resolve({ opened: false, status: res.statusCode }));
    ws.on('error', () => resolve({ opened: false }));
  });
}

function wsClient(): RaydeckClient {
  const transport = createWsTransport({
    url: `ws://127.0.0.1:${server.port}/api/ws?token=${server.token}`,
    createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (h) => clearTimeout(h as NodeJS.Timeout),
    baseDelayMs: 20,
  });
  return createClient(transport);
}

describe('browser-mode server security', () => {
  it('binds to 127.0.0.1 only and prints a token URL', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(40);
  });

  it('refuses a request without the token', async () => {
    const r = await get('/');
    expect(r.status).toBe(401);
    expect(r.body).not.toContain('<title>');
    // Started by `npm start` as often as by `raydeck ui`: the page names what the user has (issue 19).
    expect(r.body).toContain('open the address Raydeck printed when it started');
    expect(r.body).not.toContain('raydeck ui');
  });

  it('refuses a wrong token', async () => {
    expect((await get('/?token=nope')).status).toBe(401);
    expect((await get('/', { authorization: 'Bearer nope' })).status).toBe(401);
  });

  it('refuses a foreign Host even with the right token (DNS rebinding)', async () => {
    const r = await get(`/?token=${server.token}`, { host: `evil.example:${server.port}` });
    expect(r.status).toBe(403);
  });

  it('refuses a foreign Origin even with the right token', async () => {
    const r = await get('/', {
      authorization: `Bearer ${server.token}`,
      origin: 'http://evil.example',
    });
    expect(r.status).toBe(403);
  });

  it('serves the page opened with the token, with an HttpOnly SameSite page cookie and a CSP', async () => {
    const first = await get(`/?token=${server.token}`);
    expect(first.status).toBe(200);
    expect(first.headers.location).toBeUndefined();
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const page = await get('/', { cookie: cookie.split(';')[0]! });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>Raydeck</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-frame-options']).toBe('DENY');
  });

  it('does not serve files outside the renderer folder', async () => {
    const auth = { authorization: `Bearer ${server.token}` };
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt']) {
      const r = await get(p, auth);
      expect(r.body, p).not.toContain('top secret');
    }
    expect((await get('/assets/missing.js', auth)).status).toBe(404);
    expect((await get('/assets/app.js', auth)).headers['cache-control']).toContain('immutable');
  });

  it('refuses WebSocket upgrades without token, from a foreign Origin or Host', async () => {
    const base = `ws://127.0.0.1:${server.port}/api/ws`;
    expect(await wsOpen(base)).toEqual({ opened: false, status: 401 });
    expect(
      await wsOpen(`${base}?token=${server.token}`, { origin: 'http://evil.example' }),
    ).toEqual({ opened: false, status: 403 });
    expect(await wsOpen(`${base}?token=${server.token}`, { host: 'attacker.test' })).toEqual({
      opened: false,
      status: 403,
    });
    expect(
      await wsOpen(`${base}?token=${server.token}`, { origin: `http://localhost:${server.port}` }),
    ).toEqual({ opened: true });
  });
});

describe('WebSocket transport end to end', () => {
  it('returns the typed validation error for a malformed request', async () => {
    const client = wsClient();
    await expect(client.call('clusters.create', { name: '' })).rejects.toMatchObject({
      code: 'validation',
      issues: [{ path: 'name', message: 'is required' }],
    });
    await expect(client.call('clusters.create', { name: 'x'.repeat(64) })).rejects.toMatchObject({
      code: 'validation',
    });
    await expect(client.call('nope.method' as never, {} as never)).rejects.toMatchObject({
      code: 'unknown_method',
    });
    client.close();
  });

  it('answers a malformed frame that carries an id', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws?token=${server.token}`);
    await new Promise((r) => ws.once('open', r));
    const reply = new Promise<string>((r) => ws.once('message', (d) => r(d.toString())));
    ws.send(JSON.stringify({ t: 'call', id: 7, method: 42 }));
    expect(JSON.parse(await reply)).toMatchObject({
      t: 'result',
      id: 7,
      result: { ok: false, error: { code: 'validation' } },
    });
    ws.close();
  });

  it('keeps subscriptions across a dropped socket (core restarted on the same port)', async () => {
    const h = makeTempHome();
    const core = createCore({ home: h.home, mode: 'browser' });
    let first = await startBrowserServer({
      service: core.service,
      staticDir,
      token: 'fixed-token-for-this-test',
    });
    const port = first.port;
    const statuses: TransportStatus[] = [];
    const client = createClient(
      createWsTransport({
        url: `ws://127.0.0.1:${port}/api/ws?token=fixed-token-for-this-test`,
        createSocket: (url) => new WebSocket(url) as unknown as SocketLike,
        setTimer: (fn, ms) => setTimeout(fn, ms),
        clearTimer: (t) => clearTimeout(t as NodeJS.Timeout),
        baseDelayMs: 20,
      }),
    );
    client.onStatus((s) => statuses.push(s));
    const seen: string[][] = [];
    client.subscribe('clusters.changed', (list) => seen.push(list.map((c) => c.name)));
    await client.call('clusters.list', {});
    await first.close();
    await waitFor(() => statuses.includes('reconnecting'));
    first = await startBrowserServer({
      service: core.service,
      staticDir,
      token: 'fixed-token-for-this-test',
      port,
    });
    await waitFor(() => statuses.at(-1) === 'open');
    // A change made by another client reaches the re-subscribed one.
    await createClient(createMemoryTransportFor(core)).call('clusters.create', {
      name: 'after-drop',
    });
    await waitFor(() => seen.some((names) => names.includes('after-drop')));
    client.close();
    await first.close();
    h.cleanup();
  });
});

async function waitFor(cond: () => boolean, ms = 5000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Answers true when the server still serves an authenticated request. */
async function stillServing(): Promise<boolean> {
  const r = await get('/', { authorization: `Bearer ${server.token}` });
  return r.status === 200 && r.body.includes('<title>Raydeck</title>');
}

function rawUpgrade(pathname: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve) => {
    const sock = net.connect(server.port, '127.0.0.1', () => {
      const lines = [
        `GET ${pathname} HTTP/1.1`,
        `Host: 127.0.0.1:${server.port}`,
        'Connection: Upgrade',
        'Upgrade: websocket',
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
      ];
      for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
      sock.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    let out = '';
    sock.on('data', (d) => {
      out += d;
      if (out.includes('\r\n\r\n')) sock.destroy();
    });
    sock.on('error', () => resolve(out));
    sock.on('close', () => resolve(out));
    setTimeout(() => sock.destroy(), 2000);
  });
}

describe('issue 16: requests no stranger can crash the server with', () => {
  it('survives a cookie with a bad % sequence (HTTP and WebSocket upgrade)', async () => {
    const r = await get('/', { cookie: 'other-app=%E0%A4%A; x=%' });
    expect(r.status).toBe(401);
    const up = await rawUpgrade(`/api/ws?token=${server.token}`, { Cookie: 'other-app=%' });
    expect(up).toMatch(/^HTTP\/1\.1 101/);
    expect(await stillServing()).toBe(true);
  });

  it('survives a request path that is not a URL (HTTP and WebSocket upgrade)', async () => {
    const r = await get('//[');
    expect(r.status).toBe(400);
    const up = await rawUpgrade('//[', {});
    expect(up).toMatch(/^HTTP\/1\.1 400/);
    expect(await stillServing()).toBe(true);
  });

  it('survives an authenticated WebSocket frame over the size limit, and one with invalid UTF-8', async () => {
    for (const payload of [
      Buffer.alloc(MAX_FRAME_BYTES + 1, 0x61),
      Buffer.from([0x7b, 0xff, 0xfe, 0x7d]),
    ]) {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws?token=${server.token}`);
      await new Promise((r) => ws.once('open', r));
      const closed = new Promise<number>((r) => ws.once('close', (code) => r(code)));
      ws.on('error', () => {});
      ws.send(payload, { binary: false });
      expect([1006, 1007, 1009]).toContain(await closed);
    }
    expect(await stillServing()).toBe(true);
  });
});

describe('issue 16: the token is not an ambient cookie', () => {
  it('sets a page cookie that is not the token, and that cookie alone opens no WebSocket', async () => {
    const first = await get(`/?token=${server.token}`);
    const cookie = String(first.headers['set-cookie']).split(';')[0]!;
    expect(cookie).not.toContain(server.token);
    expect(cookie).not.toContain(encodeURIComponent(server.token));
    // The cookie serves the page (HTML and assets)...
    expect((await get('/', { cookie })).status).toBe(200);
    // ...but the API needs the token itself.
    expect(await wsOpen(`ws://127.0.0.1:${server.port}/api/ws`, { cookie })).toEqual({
      opened: false,
      status: 401,
    });
    expect(await wsOpen(`ws://127.0.0.1:${server.port}/api/ws?token=${server.token}`)).toEqual({
      opened: true,
    });
  });

  it('a cookie holding the token itself opens no WebSocket either', async () => {
    const cookie = `raydeck-token-${server.port}=${encodeURIComponent(server.token)}`;
    expect(await wsOpen(`ws://127.0.0.1:${server.port}/api/ws`, { cookie })).toEqual({
      opened: false,
      status: 401,
    });
  });

  it('never answers a Location that leaves the server (/.//evil.example/?token=)', async () => {
    for (const p of [
      '/.//evil.example/',
      '//evil.example/',
      '/\\evil.example/',
      '/./\\/evil.example/',
      '/%2F%2Fevil.example/',
    ]) {
      const r = await get(`${p}?token=${server.token}`);
      const loc = r.headers.location;
      if (loc !== undefined) {
        expect(loc, p).toMatch(/^\/(?![/\\])/);
      }
    }
  });
});
