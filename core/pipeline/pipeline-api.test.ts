/**
 * The pipeline.* methods over a real core (in-memory transport): files saved atomically and
 * opened again, bad input refused with the old file whole, checks and compile with the
 * cluster's GPUs from preflight, read-back, and `pipeline.try` POSTing through a stand-in
 * tunnel (a TCP connection to a local HTTP server) with the route_prefix Ray reports.
 */
import fs from 'node:fs';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, ragPipeline, tpPipeline, type RaydeckError } from '../../shared';
import { createCore } from '../api/create-core';
import { FakeServeDashboard } from '../serve/fake-serve-dashboard';
import { useTempHomes } from '../testing/temp-home';
import { createMemoryTransport } from '../transport/memory-transport';
import { postOver } from './pipeline-try';

const tempHome = useTempHomes();
const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function setup() {
  const home = tempHome();
  const dashboard = await new FakeServeDashboard().listen();
  const posts: { path: string; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      posts.push({ path: req.url ?? '', body });
      res.writeHead(req.url?.endsWith('/query') ? 200 : 404, {
        'content-type': 'application/json',
      });
      res.end(
        req.url?.endsWith('/query')
          ? JSON.stringify({
              answer: 'hi',
              origin: 'llm',
              timings_ms: { api: 12.5, rag: 10, llm: 7.25, bogus: 'x' },
            })
          : 'Path not found',
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  const core = createCore({
    home,
    mode: 'memory',
    userKnownHosts: [],
    serveConnector: dashboard.connector(),
    servePoster: async (_cluster, p, payload, timeoutMs) =>
      postOver(net.connect(port, '127.0.0.1'), p, payload, timeoutMs),
  });
  const client = createClient(createMemoryTransport(core.service));
  closers.push(
    () => dashboard.close(),
    () => new Promise<void>((r) => server.close(() => r())),
    () => core.dispose(),
  );
  return { home, core, client, posts };
}

/** A cluster with one node whose preflight found `gpus` GPUs of 80 GB. */
async function clusterWithGpus(s: Awaited<ReturnType<typeof setup>>, gpus: number) {
  const cluster = await s.core.inventory.create('lab');
  const node = await s.client.call('nodes.add', {
    clusterId: cluster.id,
    name: 'gpu-1',
    host: '198.51.100.7',
    user: 'ray',
    role: 'head',
    auth: { kind: 'agent' },
  });
  fs.mkdirSync(s.core.paths.preflight, { recursive: true });
  fs.writeFileSync(
    path.join(s.core.paths.preflight, `${cluster.id.replace(/[^A-Za-z0-9-]/g, '_')}.json`),
    JSON.stringify([
      {
        nodeId: node.id,
        at: new Date().toISOString(),
        checks: [],
        gpus: Array.from({ length: gpus }, (_, i) => ({
          index: i,
          name: 'NVIDIA H100 80GB HBM3',
          memoryMiB: 81559,
          uuid: `GPU-${i}`,
        })),
      },
    ]),
  );
  return cluster.id;
}

describe('pipeline.* methods', () => {
  it('saves, lists and opens a pipeline file; bad input leaves the old file whole', async () => {
    const s = await setup();
    const saved = await s.client.call('pipeline.save', {
      path: 'rag.pipeline.yaml',
      graph: ragPipeline(),
    });
    expect(saved.path).toBe(path.join(s.home, 'pipelines', 'rag.pipeline.yaml'));
    const before = fs.readFileSync(saved.path, 'utf8');
    expect((await s.client.call('pipeline.open', { path: 'rag.pipeline.yaml' })).graph).toEqual(
      ragPipeline(),
    );
    expect(await s.client.call('pipeline.list', {})).toMatchObject([
      { path: saved.path, name: 'rag', stages: 5 },
    ]);

    const bad = await s.client
      .call('pipeline.save', {
        path: 'rag.pipeline.yaml',
        graph: { name: 'rag', stages: [{ id: 'x', kind: 'teleport' }] } as never,
      })
      .catch((e: RaydeckError) => e);
    expect(bad).toMatchObject({ code: 'validation' });
    expect(fs.readFileSync(saved.path, 'utf8')).toBe(before);
    expect(fs.readdirSync(path.dirname(saved.path))).toEqual(['rag.pipeline.yaml']); // no temp file left

    for (const p of ['../x.pipeline.yaml', 'rag.yaml', 'sub/x.pipeline.yaml'])
      expect(
        await s.client.call('pipeline.open', { path: p }).catch((e: RaydeckError) => e.code),
        p,
      ).toBe('validation');
    expect(
      await s.client
        .call('pipeline.open', { path: 'none.pipeline.yaml' })
        .catch((e: RaydeckError) => e.code),
    ).toBe('not_found');
    fs.writeFileSync(path.join(s.home, 'pipelines', 'junk.pipeline.yaml'), 'stages: 3');
    expect(
      await s.client
        .call('pipeline.open', { path: 'junk.pipeline.yaml' })
        .catch((e: RaydeckError) => e.message),
    ).toMatch(/^junk\.pipeline\.yaml: /);
    expect(await s.client.call('pipeline.list', {})).toHaveLength(1); // junk is not listed
  });

  it("compiles against the cluster's GPUs from preflight: tensor parallel 4 refused on a 2-GPU node", async () => {
    const s = await setup();
    const clusterId = await clusterWithGpus(s, 2);
    const refused = await s.client.call('pipeline.compile', { graph: tpPipeline(4), clusterId });
    expect(refused.yaml).toBeNull();
    expect(refused.refusal).toMatch(/stage "llm": .*needs 4 GPUs on one node.*largest node has 2/);
    expect(refused.nodes).toEqual([{ name: 'gpu-1', gpus: 2, gpuMemoryMiB: 81559 }]);
    const ok = await s.client.call('pipeline.compile', {
      graph: tpPipeline(2),
      clusterId,
      routePrefix: '/tp',
    });
    expect(ok.yaml).toMatch(/route_prefix: \/tp\n/);
    expect(
      (await s.client.call('pipeline.check', { graph: tpPipeline(4), clusterId })).checks.map(
        (c) => c.code,
      ),
    ).toContain('tp-exceeds-node');
  });

  it('says when the cluster has no GPU facts yet, and compiles without them', async () => {
    const s = await setup();
    const cluster = await s.core.inventory.create('bare');
    const out = await s.client.call('pipeline.compile', {
      graph: tpPipeline(4),
      clusterId: cluster.id,
    });
    expect(out.checks[0]).toMatchObject({
      code: 'no-gpu-facts',
      severity: 'warning',
      stageId: null,
    });
    expect(out.yaml).not.toBeNull();
    expect(
      await s.client
        .call('pipeline.check', { graph: ragPipeline(), clusterId: 'nope' })
        .catch((e: RaydeckError) => e.code),
    ).toBe('not_found');
  });

  it('reads a compiled config back', async () => {
    const s = await setup();
    const { yaml } = await s.client.call('pipeline.compile', { graph: ragPipeline() });
    const back = await s.client.call('pipeline.readBack', { yaml: yaml! });
    expect(back.apps).toEqual([{ app: 'rag', graph: ragPipeline() }]);
    expect(
      await s.client
        .call('pipeline.readBack', { yaml: '- a list' })
        .catch((e: RaydeckError) => e.message),
    ).toMatch(/not a Serve config/);
  });

  it("tries a deployed app's route through the tunnel and returns the stage timings", async () => {
    const s = await setup();
    const clusterId = await clusterWithGpus(s, 1);
    const status = await s.client.call('serve.status', { clusterId });
    const app = status.applications[0]!;
    const answer = await s.client.call('pipeline.try', {
      clusterId,
      app: app.name,
      route: '/query',
      body: { query: 'q', candidates: ['a'] },
    });
    expect(answer).toMatchObject({
      status: 200,
      body: { answer: 'hi', origin: 'llm' },
      timings_ms: { api: 12.5, rag: 10, llm: 7.25 },
    });
    expect(answer.path).toBe(`${app.routePrefix === '/' ? '' : app.routePrefix}/query`);
    expect(JSON.parse(s.posts[0]!.body)).toEqual({ query: 'q', candidates: ['a'] });
    const missing = await s.client
      .call('pipeline.try', { clusterId, app: 'nope', route: '/query', body: {} })
      .catch((e: RaydeckError) => e);
    expect(missing).toMatchObject({ code: 'not_found' });
    const notJson = await s.client.call('pipeline.try', {
      clusterId,
      app: app.name,
      route: '/other',
      body: {},
    });
    expect(notJson).toMatchObject({ status: 404, body: 'Path not found', timings_ms: {} });
  });
});
