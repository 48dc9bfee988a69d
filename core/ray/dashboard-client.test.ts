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
// No capture of /api/v0/actors here: the answer as Ray 2.60 builds it (rest_response around
// ListApiResponse; ActorState's fields with detail, ids decoded to hex; `util/state/common.py`).
const ACTORS = JSON.stringify({
  result: true,
  msg: '',
  data: {
    result: {
      total: 2,
      num_after_truncation: 2,
      num_filtered: 2,
      partial_failure_warning: '',
      warnings: null,
      result: [
        {
          actor_id: '60d94ba7273d0d054aa9d18901000000',
          class_name: 'ServeReplica:llm:LLMServer:tiny-llama',
          state: 'ALIVE',
          job_id: '01000000',
          name: 'SERVE_REPLICA::llm#LLMServer:tiny-llama#pyae00yf',
          node_id: 'd0ab7093fa5ea03ad5bd35551c82458033419c9ebbcfc816e04fca01',
          pid: 4279,
          ray_namespace: 'serve',
          placement_group_id: '2a8e9b1c0b8a4f0e9c1d5e3f01000000',
          required_resources: { CPU: 1.0 },
          is_detached: true,
          repr_name: '',
        },
        {
          actor_id: '8b1f0c3e5d2a4b6c7d8e9f0a01000000',
          class_name: 'RayWorkerWrapper',
          state: 'ALIVE',
          job_id: '01000000',
          name: '',
          node_id: 'd0ab7093fa5ea03ad5bd35551c82458033419c9ebbcfc816e04fca01',
          pid: 5100,
          ray_namespace: 'serve',
          placement_group_id: '2a8e9b1c0b8a4f0e9c1d5e3f01000000',
          required_resources: { GPU: 1.0, CPU: 1.0 },
          is_detached: false,
          repr_name: '',
        },
      ],
    },
  },
});
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
      '/api/v0/actors?detail=1&limit=10000&filter_keys=state&filter_predicates=%3D&filter_values=ALIVE':
        ACTORS,
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

  it("lists the ALIVE actors with their pid, node and placement group (Ray's state API)", async () => {
    const actors = await new DashboardClient({ openTunnel: tunnel, token: 'good-token' }).actors();
    expect(
      actors.map((a) => [a.class_name, a.pid, a.placement_group_id, a.required_resources?.GPU]),
    ).toEqual([
      [
        'ServeReplica:llm:LLMServer:tiny-llama',
        4279,
        '2a8e9b1c0b8a4f0e9c1d5e3f01000000',
        undefined,
      ],
      ['RayWorkerWrapper', 5100, '2a8e9b1c0b8a4f0e9c1d5e3f01000000', 1],
    ]);
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
