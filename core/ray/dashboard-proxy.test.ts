/**
 * The dashboard proxy against a stand-in dashboard reached through a stand-in head connection:
 * the key is traded for a cookie once, then requests reach Ray with the head's token and
 * without the browser's cookie; no key, a wrong key, a foreign Host are refused.
 */
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BringUpDeps } from '../bringup/bringup-service';
import { DashboardProxies } from './dashboard-proxy';

let dashboard: http.Server;
let seen: http.IncomingHttpHeaders[];
let proxies: DashboardProxies;
let forwarded: { host: string; port: number }[];

beforeEach(async () => {
  seen = [];
  forwarded = [];
  dashboard = http.createServer((req, res) => {
    seen.push(req.headers);
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ path: req.url, ray_version: '2.60.0' }));
  });
  await new Promise<void>((r) => dashboard.listen(0, '127.0.0.1', () => r()));
  const port = (dashboard.address() as AddressInfo).port;
  const conn = {
    forwardOut: async (host: string, p: number) => (
      forwarded.push({ host, port: p }),
      net.connect(port, '127.0.0.1')
    ),
    runScript: async () => ({
      code: 0,
      stdout: '{"token": "ray-token-0123456789abcdef"}\n',
      stderr: '',
    }),
    release() {},
  };
  const nodes = {
    list: async () => [{ id: 'h', role: 'head' }],
  } as unknown as BringUpDeps['nodes'];
  const access = { lease: async () => conn } as unknown as BringUpDeps['access'];
  proxies = new DashboardProxies({ nodes, access });
});
afterEach(async () => {
  proxies.dispose();
  await new Promise((r) => dashboard.close(r));
});

function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    http
      .get(
        { host: '127.0.0.1', port: u.port, path: `${u.pathname}${u.search}`, headers },
        (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
        },
      )
      .on('error', reject);
  });
}

describe('DashboardProxies', () => {
  it("trades the key for a cookie, then forwards to the head's 127.0.0.1:8265 with the Ray token and no browser cookie", async () => {
    const { url } = await proxies.open('c');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?raydeck-key=[\w-]{32}$/);
    const first = await get(url);
    expect(first.status).toBe(302);
    expect(first.headers.location).toBe('/');
    const cookie = first.headers['set-cookie']![0]!;
    expect(cookie).toMatch(/^raydeck-dash-\d+=[\w-]+; HttpOnly; SameSite=Strict; Path=\/$/);
    const origin = new URL(url).origin;
    const api = await get(`${origin}/api/version`, { cookie: `${cookie.split(';')[0]}; other=1` });
    expect(api.status).toBe(200);
    expect(JSON.parse(api.body)).toMatchObject({ path: '/api/version', ray_version: '2.60.0' });
    expect(forwarded).toEqual([{ host: '127.0.0.1', port: 8265 }]);
    expect(seen[0]!.authorization).toBe('Bearer ray-token-0123456789abcdef');
    expect(seen[0]!.host).toBe('127.0.0.1:8265');
    expect(seen[0]!.cookie).toBeUndefined();
    expect((await proxies.open('c')).url).toBe(url); // one proxy per cluster
  });

  it('refuses no key, a wrong key and a foreign Host; a // path stays on the proxy', async () => {
    const { url } = await proxies.open('c');
    const origin = new URL(url).origin;
    expect((await get(`${origin}/api/version`)).status).toBe(401);
    expect(
      (await get(`${origin}/api/version`, { cookie: `raydeck-dash-${new URL(url).port}=nope` }))
        .status,
    ).toBe(401);
    expect((await get(`${origin}/?raydeck-key=wrong`)).status).toBe(403);
    expect((await get(url, { host: 'evil.example' })).status).toBe(403);
    const key = new URL(url).searchParams.get('raydeck-key');
    const sneaky = await get(`${origin}//evil.example/x?raydeck-key=${key}`);
    expect(sneaky.headers.location).toMatch(/^\/[^/]/); // a path on this proxy, never `//host`
    expect(seen).toHaveLength(0);
  });
});
