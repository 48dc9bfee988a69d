/**
 * The dashboard client against a real HTTP server reached through a socket "tunnel" (a plain TCP
 * connection stands in for the SSH forwardOut stream), answering with real Ray captures.
 */
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardClient, summarizeNodes } from './dashboard-client';

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8');
let server: http.Server;
let port = 0;
const seen: http.IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.headers);
    if (req.headers.authorization !== 'Bearer good-token') {
      res.writeHead(401).end();
      return;
    }
    const routes: Record<string, string> = {
      '/api/version': fixture('api_version.json'),
      '/api/v0/nodes?limit=1000': fixture('api_v0_nodes.json'),
      '/api/cluster_status?format=1': fixture('api_cluster_status_format_1.json'),
    };
    const body = routes[req.url ?? ''];
    if (!body) res.writeHead(404).end('no');
    else res.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const tunnel = () => Promise.resolve(net.connect(port, '127.0.0.1'));

describe('DashboardClient', () => {
  it('parses version, nodes and status from real Ray responses', async () => {
    const client = new DashboardClient({ openTunnel: tunnel, token: 'good-token' });
    expect((await client.version()).ray_version).toBe('2.58.0');
    const nodes = await client.nodes();
    expect(summarizeNodes(nodes)).toEqual({ alive: 1, dead: 0, gpus: 1, cpus: 2 });
    expect(await client.clusterStatus()).toContain('0.0/1.0 GPU');
  });

  it('sends no browser-like headers (the dashboard refuses those writes)', async () => {
    await new DashboardClient({ openTunnel: tunnel, token: 'good-token' }).version();
    const h = seen.at(-1)!;
    expect(h['user-agent']).toBe('raydeck');
    for (const name of ['origin', 'referer', 'sec-fetch-mode', 'sec-fetch-site'])
      expect(h[name]).toBeUndefined();
  });

  it('explains a refused token and a missing route', async () => {
    await expect(
      new DashboardClient({ openTunnel: tunnel, token: 'bad' }).version(),
    ).rejects.toThrow(/auth token is missing or wrong/);
    await expect(
      new DashboardClient({ openTunnel: tunnel, token: 'good-token' }).request('GET', '/nope'),
    ).rejects.toMatchObject({ status: 404 });
  });
});
