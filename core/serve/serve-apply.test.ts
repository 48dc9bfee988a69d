/**
 * Safe apply against the fake Ray dashboard (real HTTP through a TCP tunnel, real captures):
 * validation refuses before any PUT, the diff names what the PUT deletes, success and
 * DEPLOY_FAILED with Ray's own messages, Ray's 400, rollback byte for byte, and auto-rollback
 * when a version is not RUNNING within its deadline.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseYaml, type Operation } from '../../shared';
import { EventBus } from '../api/event-bus';
import { OperationRegistry } from '../operations/operation-registry';
import { useTempHomes } from '../testing/temp-home';
import { FakeServeDashboard } from './fake-serve-dashboard';
import { ServeApplier } from './serve-apply';

const tempHome = useTempHomes();
let fake: FakeServeDashboard | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

async function setup(
  opts: ConstructorParameters<typeof FakeServeDashboard>[0] = {},
  followTimeoutMs = 3000,
  beforePut?: ConstructorParameters<typeof ServeApplier>[0]['beforePut'],
) {
  fake = await new FakeServeDashboard(opts).listen();
  const home = tempHome();
  const operations = new OperationRegistry(path.join(home, 'operations'), new EventBus());
  const serve = new ServeApplier({
    operations,
    historyRoot: path.join(home, 'history'),
    connect: fake.connector(),
    via: 'app',
    user: 'ana',
    timing: { pollMs: 5, settlePolls: 2, followTimeoutMs },
    ...(beforePut ? { beforePut } : {}),
  });
  const logs = async (id: string) => (await operations.logs(id, 500)).map((l) => l.line);
  return {
    fake,
    operations,
    serve,
    logs,
    wait: (id: string): Promise<Operation> => operations.wait(id),
  };
}

const echoV1 = `# v1: one replica
applications:
- name: echo
  route_prefix: /echo
  import_path: demo_app:build_app
  deployments:
  - name: Echo
    num_replicas: 1
`;
const echoV2 = echoV1.replace('num_replicas: 1', 'num_replicas: 2').replace('# v1', '# v2');
const withLlm = (text: string) =>
  `${text}- name: llm\n  route_prefix: /\n  import_path: ray.serve.llm:build_openai_app\n  args:\n    llm_configs:\n    - model_loading_config: {model_id: tiny-llama}\n`;

describe('ServeApplier.apply', () => {
  it('applies, follows to RUNNING with replica counts, and records v1 as running', async () => {
    const { fake, serve, wait, logs } = await setup();
    const started = await serve.apply('c1', withLlm(echoV1));
    expect(started.version).toBe(1);
    expect(started.diff.applications.map((a) => [a.name, a.change])).toEqual([
      ['echo', 'added'],
      ['llm', 'changed'],
    ]);
    const op = await wait(started.operationId);
    expect(op).toMatchObject({
      state: 'succeeded',
      kind: 'serve-apply',
      clusterId: 'c1',
      title: 'Apply Serve config v1',
    });
    expect(fake.puts).toEqual([parseYaml(withLlm(echoV1)).value]);
    const lines = await logs(op.id);
    expect(lines).toContain('echo: DEPLOYING');
    expect(lines).toContain('  echo/Echo: UPDATING, 0/1 running, 1 starting');
    expect(lines).toContain('  echo/Echo: HEALTHY, 1/1 running');
    expect(lines).toContain('v1: every application RUNNING');
    const [entry] = await serve.history('c1').list();
    expect(entry).toMatchObject({
      version: 1,
      by: { user: 'ana', via: 'app' },
      result: { state: 'running' },
      operationId: op.id,
      applications: ['echo', 'llm'],
      deletes: [],
    });
  });

  it('each deployment change is logged once, also for names with colons (LLMServer:<model>)', async () => {
    const { serve, wait, logs } = await setup();
    const two =
      'applications:\n- name: llm\n  import_path: pkg.llm:app\n  deployments:\n  - name: "LLMServer:a"\n  - name: "LLMServer:b"\n';
    const lines = await logs((await wait((await serve.apply('c1', two)).operationId)).id);
    expect(lines.filter((l) => l === '  llm/LLMServer:a: HEALTHY, 1/1 running')).toHaveLength(1);
    expect(lines.filter((l) => l === '  llm/LLMServer:b: HEALTHY, 1/1 running')).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('  llm/LLMServer:b: UPDATING'))).toHaveLength(1);
  });

  it('runtime_env secrets reach Ray as written, and are redacted in the diff, the log and the status', async () => {
    const { fake, serve, wait, logs } = await setup();
    const text = echoV1.replace(
      '  import_path: demo_app:build_app\n',
      '  import_path: demo_app:build_app\n  runtime_env:\n    env_vars: {HF_TOKEN: hf_s3cr3t}\n',
    );
    const started = await serve.apply('c1', text);
    await wait(started.operationId);
    expect(fake.puts[0]!.applications[0].runtime_env).toEqual({
      env_vars: { HF_TOKEN: 'hf_s3cr3t' },
    });
    expect(started.diff.applications[0]!.fields).toContainEqual({
      path: ['runtime_env'],
      kind: 'added',
      before: undefined,
      after: { env_vars: { HF_TOKEN: '<redacted>' } },
    });
    expect((await serve.status('c1')).applications[0]!.deployedConfig!.runtime_env).toEqual({
      env_vars: { HF_TOKEN: '<redacted>' },
    });
    const changed = await serve.diff('c1', text.replace('hf_s3cr3t', 'hf_n3w'));
    expect(changed.diff.applications[0]!.fields).toEqual([
      {
        path: ['runtime_env', 'env_vars', 'HF_TOKEN'],
        kind: 'changed',
        before: '<redacted>',
        after: '<redacted>',
      },
    ]);
    expect((await logs(started.operationId)).join('\n')).not.toMatch(/s3cr3t/);
    // A text started from that redacted live config is refused before anything reaches Ray.
    const fromLive = text.replace('hf_s3cr3t', '"<redacted>"');
    await expect(serve.diff('c1', fromLive)).rejects.toMatchObject({
      code: 'validation',
      message: expect.stringMatching(
        /^applications\[0\]\.runtime_env\.env_vars\.HF_TOKEN is "<redacted>"/,
      ),
    });
    await expect(serve.apply('c1', fromLive)).rejects.toMatchObject({ code: 'validation' });
    expect(fake.puts).toHaveLength(1);
  });

  it('a config with validation errors is refused before any PUT, naming line and field', async () => {
    const { fake, serve } = await setup();
    const bad = echoV1.replace(
      '    num_replicas: 1\n',
      '    num_replicas: 1\n    autoscaling_config: {max_replicas: 3}\n',
    );
    await expect(serve.apply('c1', bad)).rejects.toMatchObject({
      code: 'validation',
      message: expect.stringMatching(
        /^The Serve config is not valid \(1 error\): line 8: applications\[0\]\.deployments\[0\]\.num_replicas: .*Nothing was sent to Ray\.$/,
      ),
    });
    expect(fake.writes).toBe(0);
    expect(await serve.history('c1').list()).toEqual([]);
  });

  it('a PUT that deletes a running app: the diff and the log say so, the history keeps it', async () => {
    const { fake, serve, wait, logs } = await setup();
    const started = await serve.apply('c1', echoV1);
    expect(started.diff.deletes).toEqual(['llm']);
    expect(started.diff.applications.find((a) => a.name === 'llm')).toMatchObject({
      change: 'removed',
      liveStatus: 'RUNNING',
    });
    await wait(started.operationId);
    expect(
      (await logs(started.operationId)).some((l) =>
        l.startsWith('WARNING: this apply DELETES 1 running application: llm'),
      ),
    ).toBe(true);
    expect((await serve.history('c1').entry(1)).deletes).toEqual(['llm']);
    expect((await serve.status('c1')).applications.map((a) => a.name)).toEqual(['echo']);
    expect(fake.puts).toHaveLength(1);
  });

  it('follows a deleted app until Ray no longer lists it (Ray shows it DELETING first)', async () => {
    const { fake, serve, wait } = await setup({ deletingReads: 4 });
    const started = await serve.apply('c1', echoV1);
    const op = await wait(started.operationId);
    expect(op.state).toBe('succeeded');
    expect((await serve.status('c1')).applications.map((a) => a.name)).toEqual(['echo']);
    expect(fake.puts).toHaveLength(1);
  });

  it('expectDeletes from an earlier diff: refused when the PUT would now delete something else', async () => {
    const { fake, serve, wait } = await setup();
    await expect(serve.apply('c1', echoV1, { expectDeletes: [] })).rejects.toMatchObject({
      code: 'conflict',
      message:
        'Ray changed since the diff: this apply would now delete llm (the diff showed none). Nothing was sent; look at the diff again.',
    });
    expect(fake.writes).toBe(0);
    expect(await serve.history('c1').list()).toEqual([]);
    expect(
      (await wait((await serve.apply('c1', echoV1, { expectDeletes: ['llm'] })).operationId)).state,
    ).toBe('succeeded');
  });

  it('a dashboard that does not answer is a typed error about the cluster, and nothing is recorded', async () => {
    const { fake, serve } = await setup();
    await fake.close();
    await expect(serve.status('c1')).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(
        /^Cannot reach Ray Serve on this cluster: Cannot reach the Ray dashboard: /,
      ),
    });
    await expect(serve.apply('c1', echoV1)).rejects.toMatchObject({ code: 'conflict' });
    expect(await serve.history('c1').list()).toEqual([]);
  });

  it("DEPLOY_FAILED: the operation fails with Ray's own messages, recorded in the history", async () => {
    const { serve, wait } = await setup();
    const started = await serve.apply(
      'c1',
      echoV1.replace('demo_app:build_app', 'broken_app:build'),
    );
    const op = await wait(started.operationId);
    expect(op.state).toBe('failed');
    expect(op.error).toMatch(
      /^v1 failed: echo: DEPLOY_FAILED; echo: Failed to update the deployments \['Echo'\]\.; echo\/Echo \(DEPLOY_FAILED\): A replica failed to start with exception\. Retrying 0 more time\(s\)\. Error:\nModuleNotFoundError: No module named 'broken'$/,
    );
    const entry = await serve.history('c1').entry(1);
    expect(entry.result.state).toBe('failed');
    expect(entry.result.messages).toContain(
      "echo/Echo (DEPLOY_FAILED): A replica failed to start with exception. Retrying 0 more time(s). Error:\nModuleNotFoundError: No module named 'broken'",
    );
  });

  it("Ray's 400 on PUT: failed with Ray's text", async () => {
    const { fake, serve, wait } = await setup();
    fake.refuseNextPut(
      '1 validation error for ServeDeploySchema: Value error, route_prefix must start with /',
    );
    const op = await wait((await serve.apply('c1', echoV1)).operationId);
    expect(op.error).toMatch(
      /^v1 was not applied: Ray refused the Serve config: 1 validation error/,
    );
    expect((await serve.history('c1').entry(1)).result).toMatchObject({
      state: 'failed',
      messages: [
        '1 validation error for ServeDeploySchema: Value error, route_prefix must start with /',
      ],
    });
  });

  it("a status from before the PUT (the controller lags a tick) is not taken for the new version's verdict", async () => {
    const { serve, wait } = await setup({ staleReads: 1, deployingPolls: 0 });
    await wait(
      (await serve.apply('c1', echoV1.replace('demo_app:build_app', 'broken:app'))).operationId,
    );
    const op = await wait((await serve.apply('c1', echoV1)).operationId);
    expect(op.state).toBe('succeeded');
    expect((await serve.history('c1').entry(2)).result.state).toBe('running');
  });

  it('a PUT without an answer: failed, saying Ray may or may not run it', async () => {
    const { fake, serve, wait } = await setup();
    fake.dropNextPut();
    const op = await wait((await serve.apply('c1', echoV1)).operationId);
    expect(op.error).toMatch(
      /^v1: the PUT got no answer \(Cannot reach the Ray dashboard: .*\); Ray may or may not run it: see raydeck serve status$/,
    );
    expect((await serve.history('c1').entry(1)).result.state).toBe('failed');
  });

  it('without wait: ends once Ray took it, recorded as submitted; one apply per cluster at a time', async () => {
    const { serve, wait } = await setup({ deployingPolls: 1000 }, 200);
    const first = await serve.apply('c1', echoV1);
    await expect(serve.apply('c1', echoV2)).rejects.toMatchObject({ code: 'conflict' });
    await wait(first.operationId);
    expect((await serve.history('c1').entry(1)).result.state).toBe('timed-out');
    const second = await serve.apply('c1', echoV2, { wait: false });
    expect((await wait(second.operationId)).state).toBe('succeeded');
    expect((await serve.history('c1').entry(2)).result.state).toBe('submitted');
  });
});

describe('beforePut (the pipeline app builder on the nodes)', () => {
  it('runs inside the operation with the parsed config before the PUT', async () => {
    const seen: string[] = [];
    const { fake, serve, wait, logs } = await setup({}, 3000, async (clusterId, body, op) => {
      seen.push(`${clusterId} ${fake.puts.length} ${JSON.stringify(body)}`);
      op.log('app builder: ok');
    });
    const op = await wait((await serve.apply('c1', echoV1)).operationId);
    expect(op.state).toBe('succeeded');
    expect(seen).toEqual([`c1 0 ${JSON.stringify(parseYaml(echoV1).value)}`]);
    expect(await logs(op.id)).toContain('app builder: ok');
  });

  it('a failure fails the apply before anything reaches Ray, recorded in the history', async () => {
    const { fake, serve, wait } = await setup({}, 3000, async () => {
      throw new Error('raydeck_serve 0.1.0 is not on 1 of 2 nodes — w1: no venv');
    });
    const op = await wait((await serve.apply('c1', echoV1)).operationId);
    expect(op.state).toBe('failed');
    expect(op.error).toContain('v1 was not applied: raydeck_serve 0.1.0 is not on 1 of 2 nodes');
    expect(fake.puts).toEqual([]);
    const [entry] = await serve.history('c1').list();
    expect(entry!.result).toMatchObject({
      state: 'failed',
      messages: ['raydeck_serve 0.1.0 is not on 1 of 2 nodes — w1: no venv'],
    });
  });
});

describe('rollback', () => {
  it('re-applies an earlier version byte for byte, as a new version that says so', async () => {
    const { fake, serve, wait } = await setup();
    await wait((await serve.apply('c1', echoV1)).operationId);
    await wait((await serve.apply('c1', echoV2)).operationId);
    const back = await serve.rollback('c1');
    expect(back).toMatchObject({ version: 3, rollbackOf: 1 });
    expect(back.diff.applications[0]!.deployments[0]!.fields).toEqual([
      { path: ['num_replicas'], kind: 'changed', before: 2, after: 1 },
    ]);
    expect((await wait(back.operationId)).title).toBe('Roll Serve back to v1 (as v3)');
    const history = serve.history('c1');
    expect(await history.text(3)).toBe(await history.text(1));
    expect(await history.text(3)).toBe(echoV1);
    expect(fake.puts[2]).toEqual(fake.puts[0]);
    expect((await history.entry(3)).result.state).toBe('running');
    expect((await serve.status('c1')).applications[0]!.deployedConfig).toEqual(
      fake.puts[0]!.applications[0],
    );
  });

  it('with nothing that ran before, it says so', async () => {
    const { serve } = await setup();
    await expect(serve.rollback('c1')).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/^Nothing to roll back to/),
    });
  });
});

describe('auto-rollback', () => {
  it('a version not RUNNING by the deadline (replicas pending) is rolled back to the last good one', async () => {
    const { fake, serve, wait, logs } = await setup();
    await wait((await serve.apply('c1', echoV1)).operationId);
    const huge = echoV2.replace(
      '    num_replicas: 2\n',
      '    num_replicas: 2\n    ray_actor_options: {num_gpus: 4, resources: {huge: 1}}\n',
    );
    const started = Date.now();
    const op = await wait((await serve.apply('c1', huge, { autoRollbackS: 0.3 })).operationId);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
    expect(op.state).toBe('failed');
    expect(op.error).toMatch(
      /^v2 was not RUNNING within 0\.3 s; rolled back to v1 as v3: RUNNING\. Why: echo: DEPLOYING; echo\/Echo: 0\/1 running, 1 pending; .*taken more than 30s to be scheduled/,
    );
    expect(
      (await logs(op.id)).some((l) =>
        l.includes(
          "pending because: Deployment 'Echo' in application 'echo' has 1 replicas that have taken more than 30s to be scheduled",
        ),
      ),
    ).toBe(true);
    const history = serve.history('c1');
    expect((await history.list()).map((e) => [e.version, e.result.state, e.rollbackOf])).toEqual([
      [3, 'running', 1],
      [2, 'rolled-back', null],
      [1, 'running', null],
    ]);
    expect((await history.entry(2)).result.messages.at(-1)).toBe('rolled back to v1 as v3');
    expect(await history.text(3)).toBe(echoV1);
    expect(fake.puts.map((p) => p.applications[0].deployments[0].num_replicas)).toEqual([1, 2, 1]);
  });

  it('a rollback that fails too is recorded as failed, and the error says so', async () => {
    const { fake, serve, wait } = await setup();
    await wait((await serve.apply('c1', echoV1)).operationId);
    fake.behave = () => 'failed'; // the cluster broke: nothing starts any more
    const op = await wait((await serve.apply('c1', echoV2, { autoRollbackS: 5 })).operationId);
    expect(op.error).toMatch(/^v2 failed; rolled back to v1 as v3: failed\. Why: /);
    expect((await serve.history('c1').list()).map((e) => [e.version, e.result.state])).toEqual([
      [3, 'failed'],
      [2, 'rolled-back'],
      [1, 'running'],
    ]);
  });

  it('a version that fails is rolled back too; with no good version before, it is only marked failed', async () => {
    const { fake, serve, wait } = await setup();
    const alone = await wait(
      (
        await serve.apply('c1', echoV1.replace('demo_app:build_app', 'broken:app'), {
          autoRollbackS: 5,
        })
      ).operationId,
    );
    expect(alone.error).toMatch(/^v1 failed, and no earlier version ran to roll back to/);
    expect(fake.puts).toHaveLength(1);
    await wait((await serve.apply('c1', echoV1)).operationId);
    const op = await wait(
      (
        await serve.apply('c1', echoV2.replace('demo_app:build_app', 'broken:app'), {
          autoRollbackS: 5,
        })
      ).operationId,
    );
    expect(op.error).toMatch(
      /^v3 failed; rolled back to v2 as v4: RUNNING\. Why: echo: DEPLOY_FAILED; .*No module named 'broken'$/s,
    );
  });
});
