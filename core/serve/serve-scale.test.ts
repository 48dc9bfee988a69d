/** Scaling through the safe apply against the fake Ray dashboard (the captured Ray 2.60 LLM app): the config PUT, history, the fit preview. */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../api/event-bus';
import { OperationRegistry } from '../operations/operation-registry';
import { useTempHomes } from '../testing/temp-home';
import { FakeServeDashboard } from './fake-serve-dashboard';
import { ServeApplier } from './serve-apply';
import { ServeScaler, scaledConfig } from './serve-scale';
import { readServeInstance } from '../ray/serve-api';
import type { RayNodeRecord } from '../ray/dashboard-client';

const tempHome = useTempHomes();
let fake: FakeServeDashboard | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

const rayNodes: RayNodeRecord[] = [
  {
    node_id: 'n-head',
    node_ip: '192.0.2.2',
    is_head_node: true,
    state: 'ALIVE',
    resources_total: { CPU: 2 },
  },
];

async function setup(nodes: RayNodeRecord[] | null = rayNodes) {
  fake = await new FakeServeDashboard().listen();
  const home = tempHome();
  const operations = new OperationRegistry(path.join(home, 'operations'), new EventBus());
  const base = fake.connector();
  const serve = new ServeApplier({
    operations,
    historyRoot: path.join(home, 'history'),
    connect: base,
    via: 'app',
    user: 'ana',
    timing: { pollMs: 5, settlePolls: 2, followTimeoutMs: 3000 },
  });
  const connect = async (id: string) => ({
    ...(await base(id)),
    ...(nodes ? { nodes: async () => nodes } : {}),
  });
  return { fake, serve, operations, scaler: new ServeScaler({ connect, serve }) };
}

describe('serve scaling', () => {
  it('scales a deployment by a full-config apply that deletes nothing, recorded in history', async () => {
    const { fake, serve, operations, scaler } = await setup();
    const started = await scaler.scale({
      clusterId: 'c1',
      app: 'llm',
      deployment: 'LLMServer:tiny-llama',
      change: { replicas: 2 },
      wait: true,
      autoRollbackS: null,
    });
    expect(started.diff.deletes).toEqual([]);
    const op = await operations.wait(started.operationId);
    expect(op.state).toBe('succeeded');
    const put = fake.puts[fake.puts.length - 1] as {
      applications: { name: string; deployments: { name: string; num_replicas?: number }[] }[];
    };
    expect(put.applications.map((a) => a.name)).toEqual(['llm']);
    expect(put.applications[0]!.deployments).toContainEqual(
      expect.objectContaining({ name: 'LLMServer:tiny-llama', num_replicas: 2 }),
    );
    const history = await serve.history('c1').list();
    expect(history[0]).toMatchObject({ version: started.version });
  });

  it('previews the diff and the fit: the free CPU of the head takes one new replica, the next stays pending with the reason', async () => {
    const { scaler, fake } = await setup();
    const p = await scaler.preview({
      clusterId: 'c1',
      app: 'llm',
      deployment: 'LLMServer:tiny-llama',
      change: { replicas: 3 },
    });
    expect(p.diff.changed).toBe(true);
    expect(p.fit.currentReplicas).toBe(1);
    expect(p.fit.placements.length).toBe(2);
    expect(p.fit.placements.map((x) => [x.nodeIp, x.pending])).toEqual([
      ['192.0.2.2', false],
      [null, true],
    ]);
    expect(p.warnings[0]).toMatch(
      /1 of 2 new replicas of llm\/LLMServer:tiny-llama would stay pending: needs/,
    );
    expect(p.text).toContain('num_replicas: 3');
    expect(fake.puts).toHaveLength(0); // a preview changes nothing
  });

  it("says when Ray's nodes cannot be read", async () => {
    const { scaler } = await setup(null);
    const p = await scaler.preview({
      clusterId: 'c1',
      app: 'llm',
      deployment: 'OpenAiIngress',
      change: { min: 1, max: 3, target: 4 },
    });
    expect(p.warnings[0]).toMatch(/node list could not be read/);
    expect(p.text).toMatch(
      /min_replicas: 1[\s\S]*max_replicas: 3[\s\S]*target_ongoing_requests: 4/,
    );
  });

  it('refuses an unknown app or deployment and an imperative app, naming them', async () => {
    const { fake } = await setup();
    const instance = readServeInstance(
      await (await fetch(`http://127.0.0.1:${fake.port}/api/serve/applications/`)).json(),
    );
    expect(() => scaledConfig(instance, 'nope', 'x', { replicas: 1 })).toThrow(
      /No application 'nope'/,
    );
    expect(() => scaledConfig(instance, 'llm', 'x', { replicas: 1 })).toThrow(
      /has no deployment 'x' \(it has /,
    );
    const imperative = {
      ...instance,
      applications: instance.applications.map((a) => ({ ...a, deployedConfig: null })),
    };
    expect(() => scaledConfig(imperative, 'llm', 'OpenAiIngress', { replicas: 1 })).toThrow(
      /serve.run/,
    );
    const auto = scaledConfig(instance, 'llm', 'OpenAiIngress', { min: 0, max: 2 });
    const d = (auto.applications[0]!.deployments as Record<string, unknown>[]).find(
      (x) => x.name === 'OpenAiIngress',
    )!;
    expect(d.num_replicas).toBeUndefined();
    expect(d.autoscaling_config).toMatchObject({ min_replicas: 0, max_replicas: 2 });
  });

  it("new autoscaling bounds keep the deployment's own delays Ray runs with (set in code or llm_configs), not Ray's defaults", () => {
    const app = {
      name: 'llm',
      deployedConfig: { name: 'llm', import_path: 'ray.serve.llm:build_openai_app', args: {} },
      deployments: [
        {
          name: 'LLMServer:tiny-llama',
          autoscaling: {
            min: 1,
            max: 1,
            settings: { upscale_delay_s: 3, downscale_delay_s: 20 },
          },
        },
      ],
    };
    const instance = { applications: [app] } as unknown as Parameters<typeof scaledConfig>[0];
    const out = scaledConfig(instance, 'llm', 'LLMServer:tiny-llama', {
      min: 1,
      max: 2,
      target: 2,
    });
    expect(out.applications[0]!.deployments).toEqual([
      {
        name: 'LLMServer:tiny-llama',
        autoscaling_config: {
          min_replicas: 1,
          max_replicas: 2,
          target_ongoing_requests: 2,
          upscale_delay_s: 3,
          downscale_delay_s: 20,
        },
      },
    ]);
    // A target left out keeps the deployment's own target too.
    app.deployments[0]!.autoscaling.settings = { target_ongoing_requests: 4 } as never;
    const kept = scaledConfig(instance, 'llm', 'LLMServer:tiny-llama', { min: 1, max: 3 });
    expect(kept.applications[0]!.deployments).toEqual([
      {
        name: 'LLMServer:tiny-llama',
        autoscaling_config: { min_replicas: 1, max_replicas: 3, target_ongoing_requests: 4 },
      },
    ]);
  });
});
