/**
 * Seed 001's model gateway on real vLLM (issue 17), on a fresh one-node cluster of its own: node2
 * brought up with vLLM's CPU build, the tiny Llama pushed to it, the gateway template compiled by
 * the pipeline compiler the Pipeline page uses (router and ingress without CPUs of their own) and
 * applied through Serve's safe apply; then a router stage sends `model_size: 7b` and `70b`
 * requests to two LLM stages — two vLLM engines on node2's 2 CPUs — checked by the answers'
 * origin. A cluster of its own: inside the long serving test, after many engines came and went
 * on node2, a second engine lost a worker on its first requests (vLLM's shm_broadcast
 * "cancelled"); on a fresh Ray it answers. On a failure the node's engine logs are printed.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createClient, type RaydeckClient } from '../../shared';
import { compilePipeline, gatewayPipeline } from '../../shared/pipeline';
import { createCore, type Core } from '../../core/api/create-core';
import { makeTempHome } from '../../core/testing/temp-home';
import { createMemoryTransport } from '../../core/transport/memory-transport';
import { ROOT, resetTestbed, type TestbedInfo } from '../support/testbed';
import { bringUp, importTestbedCluster } from '../support/testbed-cluster';
import { engineDiagnostics, postThroughHead, rayServeApps, waitOperation } from './serving-support';

let tb: TestbedInfo;
let home: ReturnType<typeof makeTempHome>;
let core: Core;
let client: RaydeckClient;
let clusterId: string;
let headId: string;
let modelDir = '';

beforeAll(async () => {
  tb = resetTestbed();
  home = makeTempHome();
  core = createCore({ home: home.home, mode: 'memory', userKnownHosts: [] });
  client = createClient(createMemoryTransport(core.service));
  const cluster = await importTestbedCluster(client, tb, 'gateway', ['node2']);
  clusterId = cluster.clusterId;
  headId = (await client.call('nodes.update', { id: cluster.nodes[0]!.id, role: 'head' })).id;
  const run = await bringUp(client, clusterId, {
    source: { kind: 'index', url: tb.index },
    withVllm: true,
  });
  expect(run.state).toBe('succeeded');
  modelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'raydeck-model-'));
  const py = execFileSync(path.join(ROOT, 'scripts/models/model-env.sh'), {
    encoding: 'utf8',
  }).trim();
  execFileSync(py, [path.join(ROOT, 'scripts/models/make_tiny_llama.py'), modelDir]);
  const model = await client.call('models.add', {
    clusterId,
    name: 'tiny-llama',
    source: { kind: 'local', dir: modelDir },
  });
  const placed = await client.call('models.place', { id: model.id, nodeIds: [headId] });
  expect((await waitOperation(client, placed.operationId)).state).toBe('succeeded');
}, 900_000);

afterAll(() => {
  client?.close();
  core?.dispose();
  home?.cleanup();
  if (modelDir) fs.rmSync(modelDir, { recursive: true, force: true });
});

it("routes model_size 7b and 70b to two LLM stages on two vLLM engines (seed 001's gateway), checked by the answers' origin", async () => {
  const graph = gatewayPipeline();
  for (const s of graph.stages)
    if (s.kind === 'ingress' || s.kind === 'router')
      s.deployment = { ...s.deployment, ray_actor_options: { num_cpus: 0 } };
  const compiled = compilePipeline(graph);
  expect(compiled.refusal).toBeNull();
  const started = Date.now();
  const { operationId } = await client.call('serve.apply', {
    clusterId,
    text: compiled.yaml!,
    wait: true,
    autoRollbackS: null,
  });
  const applied = await waitOperation(client, operationId, 900_000);
  expect(applied.state, applied.error ?? '').toBe('succeeded');
  console.log(`gateway RUNNING ${((Date.now() - started) / 1000).toFixed(0)} s after the apply`);
  expect((await rayServeApps(core, headId)).gateway?.status).toBe('RUNNING');
  for (const [size, origin] of [
    ['7b', 'llm_7b'],
    ['70b', 'llm_70b'],
    ['7b', 'llm_7b'],
    ['70b', 'llm_70b'],
  ] as const) {
    const answer = await postThroughHead(core, headId, '/gateway/gateway', {
      model_size: size,
      messages: [{ role: 'user', content: 'hello' }],
      max_tokens: 4,
    });
    if (answer.status !== 200)
      console.log(await engineDiagnostics(tb.nodes.find((n) => n.name === 'node2')!));
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.origin).toBe(origin);
    expect((answer.body.usage as { completion_tokens: number }).completion_tokens).toBeGreaterThan(
      0,
    );
    console.log(
      `${size} -> ${String(answer.body.origin)}: ${JSON.stringify(answer.body.timings_ms)}`,
    );
  }
}, 960_000);
