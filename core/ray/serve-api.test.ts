/**
 * The Serve REST client on real Ray captures (2.60 with a vLLM app, running and with a replica
 * waiting for resources; 2.58 with no Serve) and against the fake dashboard over a TCP tunnel:
 * the typed model, pending vs starting and why, PUT's refusal text, headers of writes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeServeDashboard } from '../serve/fake-serve-dashboard';
import { ServeConfigRefused, readServeInstance } from './serve-api';

const capture = (name: string) =>
  JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', name), 'utf8'));
let fake: FakeServeDashboard | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

describe('readServeInstance', () => {
  it('reads the Ray 2.60 vLLM app: statuses, replicas, ingress, the config Ray holds', () => {
    const s = readServeInstance(capture('ray-2.60-serve-llm-applications.json'));
    expect(s.serveRunning).toBe(true);
    expect(s.proxies).toEqual([
      { nodeId: expect.stringMatching(/^d0ab/), nodeIp: '192.0.2.2', status: 'HEALTHY' },
    ]);
    const [app] = s.applications;
    expect(app).toMatchObject({
      name: 'llm',
      routePrefix: '/',
      status: 'RUNNING',
      source: 'declarative',
      ingressDeployment: 'OpenAiIngress',
    });
    expect(app!.deployedConfig).toMatchObject({ import_path: 'ray.serve.llm:build_openai_app' });
    const llm = app!.deployments.find((d) => d.name === 'LLMServer:tiny-llama')!;
    expect(llm).toMatchObject({
      status: 'HEALTHY',
      statusTrigger: 'CONFIG_UPDATE_COMPLETED',
      autoscaling: { min: 1, max: 2 },
      pendingReason: null,
    });
    expect(llm.counts).toEqual({ desired: 1, running: 1, starting: 0, pending: 0, stopping: 0 });
    expect(llm.replicas[0]).toMatchObject({
      replicaId: 'pyae00yf',
      state: 'RUNNING',
      nodeIp: '192.0.2.2',
      pid: 4279,
    });
  });

  it("a replica Ray has not placed is pending, with Ray's scheduling message as the reason", () => {
    const s = readServeInstance(capture('ray-2.60-serve-llm-applications-upscale-pending.json'));
    const llm = s.applications[0]!.deployments.find((d) => d.name === 'LLMServer:tiny-llama')!;
    expect(llm.status).toBe('UPSCALING');
    expect(llm.counts).toEqual({ desired: 2, running: 1, starting: 0, pending: 1, stopping: 0 });
    expect(llm.replicas[1]).toMatchObject({ state: 'STARTING', nodeId: null, pid: null });
    expect(llm.pendingReason).toMatch(
      /taken more than 30s to be scheduled.*Resources required for each replica/,
    );
  });

  it('no Serve (Ray 2.58 empty answer) and an older Ray app', () => {
    expect(readServeInstance(capture('ray-2.58-serve-applications-empty.json'))).toMatchObject({
      serveRunning: false,
      applications: [],
      proxies: [],
    });
    const echo = readServeInstance(capture('ray-2.58-serve-applications-echo.json'))
      .applications[0]!;
    expect(echo).toMatchObject({ name: 'echo', routePrefix: '/echo', status: 'RUNNING' });
    expect(echo.deployedConfig).toMatchObject({
      deployments: [{ name: 'Echo', num_replicas: 'auto' }],
    });
    // Ray's applied autoscaling config: the bounds, and of the other settings only those that
    // are not Ray's defaults (target 1, upscale delay 2 s; downscale 600 s is Ray's default).
    expect(echo.deployments[0]!.autoscaling).toEqual({
      min: 1,
      max: 3,
      settings: { target_ongoing_requests: 1, upscale_delay_s: 2 },
    });
  });

  it('a status Ray 2.60 does not have is an error naming the field', () => {
    const bad = capture('ray-2.60-serve-llm-applications.json');
    bad.applications.llm.status = 'SLEEPING';
    expect(() => readServeInstance(bad)).toThrow(/applications\.llm\.status/);
  });
});

describe('ServeApi through the tunnel', () => {
  it('GET, PUT (declarative), DELETE; writes carry no browser-like headers', async () => {
    fake = await new FakeServeDashboard().listen();
    const conn = await fake.connector()('c1');
    expect((await conn.api.applications()).applications.map((a) => a.name)).toEqual(['llm']);
    await conn.api.putApplications({
      applications: [
        { name: 'echo', import_path: 'demo_app:build_app', deployments: [{ name: 'Echo' }] },
      ],
    });
    expect(fake.puts).toHaveLength(1);
    expect((await conn.api.applications()).applications.map((a) => a.name)).toEqual(['echo']); // llm deleted: left out
    const put = fake.requests.find((r) => r.method === 'PUT')!;
    expect(put.headers['user-agent']).toBe('raydeck');
    for (const h of ['origin', 'referer', 'sec-fetch-mode']) expect(put.headers[h]).toBeUndefined();
    await conn.api.shutdown();
    expect((await conn.api.applications()).serveRunning).toBe(false);
  });

  it("a 400 on PUT is ServeConfigRefused with Ray's whole text", async () => {
    fake = await new FakeServeDashboard().listen();
    const api = (await fake.connector()('c1')).api;
    const text = `1 validation error for ServeDeploySchema\napplications.0.deployments.0\n  Value error, Manually setting num_replicas is not allowed when autoscaling_config is provided. ${'x'.repeat(400)}`;
    fake.refuseNextPut(text);
    const err = await api.putApplications({ applications: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServeConfigRefused);
    expect((err as ServeConfigRefused).rayMessage).toBe(text);
  });
});
