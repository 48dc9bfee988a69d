/**
 * `raydeck serve diff|apply|status|history|rollback|export-kuberay` through main() and a real
 * core per command (like separate CLI processes: the history lives on disk), whose Serve methods
 * reach the fake Ray dashboard: printed diff with deletions, follow to RUNNING, Ray's reason on
 * failure in the one `raydeck:` line, refusal before any PUT, rollback, auto-rollback, exports.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../../shared';
import { createCore } from '../../api/create-core';
import { FakeServeDashboard } from '../../serve/fake-serve-dashboard';
import { useTempHomes } from '../../testing/temp-home';
import { createMemoryTransport } from '../../transport/memory-transport';
import { main } from '../main';

const tempHome = useTempHomes();
let fake: FakeServeDashboard | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

async function lab(opts: ConstructorParameters<typeof FakeServeDashboard>[0] = {}) {
  fake = await new FakeServeDashboard(opts).listen();
  const home = tempHome();
  const dash = fake;
  const cli = async (argv: string[], stopped: Promise<void> = new Promise(() => undefined)) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, {
      io: { out: (l) => out.push(l), err: (l) => err.push(l) },
      env: { RAYDECK_HOME: home },
      stopped,
      connect: (h) => {
        const core = createCore({
          home: h,
          mode: 'memory',
          userKnownHosts: [],
          serveConnector: dash.connector(),
          serveTiming: { pollMs: 5, settlePolls: 2, followTimeoutMs: 2000 },
        });
        const client = createClient(createMemoryTransport(core.service));
        return { client, dispose: () => (client.close(), core.dispose()) };
      },
    });
    return { code, out, err };
  };
  expect((await cli(['cluster', 'create', 'lab'])).code).toBe(0);
  const file = (name: string, text: string) => {
    const p = path.join(home, name);
    fs.writeFileSync(p, text);
    return p;
  };
  return { cli, file, fake: dash };
}

const v1 =
  '# echo, one replica\napplications:\n- name: echo\n  route_prefix: /echo\n  import_path: demo_app:build_app\n  deployments:\n  - name: Echo\n    num_replicas: 1\n';
const v2 = v1.replace('num_replicas: 1', 'num_replicas: 2');

describe('raydeck serve (cluster commands)', () => {
  it('diff names the running app the apply would delete and the fields it changes', async () => {
    const { cli, file } = await lab();
    const r = await cli(['serve', 'diff', 'lab', file('v1.yaml', v1)]);
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/^WARNING: this apply DELETES 1 running application: llm/);
    expect(r.out).toContain('application echo: ADDED');
    expect(r.out).toContain('      + num_replicas: 1');
    expect(r.out).toContain(
      'application llm [RUNNING]: DELETED — not in the config: the PUT DELETES this application and its replicas',
    );
  });

  it('apply --wait: prints the diff, follows Ray to RUNNING, exit 0; history says who and how it ended', async () => {
    const { cli, file, fake } = await lab();
    const r = await cli(['serve', 'apply', 'lab', file('v1.yaml', v1), '--wait']);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe('v1: 1 application (echo)');
    expect(r.out[1]).toMatch(/^WARNING: this apply DELETES 1 running application: llm/);
    expect(r.out).toContain('v1: Ray took the config');
    expect(r.out).toContain('echo: DEPLOYING');
    expect(r.out).toContain('  echo/Echo: HEALTHY, 1/1 running');
    expect(r.out.at(-1)).toBe('v1 is RUNNING.');
    expect(fake.puts).toHaveLength(1);
    const h = await cli(['serve', 'history', 'lab', '--json']);
    expect(JSON.parse(h.out.join('\n'))).toEqual([
      expect.objectContaining({
        version: 1,
        by: expect.objectContaining({ via: 'cli' }),
        result: expect.objectContaining({ state: 'running' }),
        deletes: ['llm'],
      }),
    ]);
    const table = await cli(['serve', 'history', 'lab']);
    expect(table.out[0]).toMatch(/^VERSION\s+APPLIED\s+BY\s+RESULT\s+APPLICATIONS\s+NOTE$/);
    expect(table.out[1]).toMatch(/^v1\s+\S+ \S+\s+\S+ \(cli\)\s+running\s+echo\s+deleted llm$/);
  });

  it("apply of a failing app: exit 1, Ray's reason in the one raydeck: line", async () => {
    const { cli, file } = await lab();
    const r = await cli([
      'serve',
      'apply',
      'lab',
      file('bad.yaml', v1.replace('demo_app', 'broken_app')),
      '--wait',
    ]);
    expect(r.code).toBe(1);
    expect(r.err).toHaveLength(1);
    expect(r.err[0]).toMatch(
      /^raydeck: v1 failed: echo: DEPLOY_FAILED; .*A replica failed to start with exception.* ModuleNotFoundError: No module named 'broken'$/,
    );
    expect(r.out).toContain("echo: DEPLOY_FAILED — Failed to update the deployments ['Echo'].");
    expect(r.out.filter((l) => l.startsWith('v1 failed'))).toEqual([]); // the raydeck: line says it, once
    const h = await cli(['serve', 'history', 'lab']);
    expect(h.out[1]).toMatch(
      /^v1 .* failed\s+echo\s+deleted llm; ModuleNotFoundError: No module named 'broken'$/,
    );
  });

  it('Ctrl+C stops following: exit 130, recorded as submitted (Ray goes on)', async () => {
    const { cli, file } = await lab({ deployingPolls: 10_000 });
    const r = await cli(
      ['serve', 'apply', 'lab', file('v1.yaml', v1), '--wait'],
      new Promise((resolve) => setTimeout(resolve, 150)),
    );
    expect(r.code).toBe(130);
    expect(r.err).toEqual([
      'raydeck: interrupted; stopped following v1 (Ray goes on with what it was given: raydeck serve status)',
    ]);
    const h = JSON.parse((await cli(['serve', 'history', 'lab', '--json'])).out.join('\n'));
    expect(h[0].result).toMatchObject({
      state: 'submitted',
      messages: ['following was cancelled; Ray goes on deploying it'],
    });
  });

  it('a config with errors: each error printed, exit 1, nothing sent to Ray', async () => {
    const { cli, file, fake } = await lab();
    const p = file(
      'invalid.yaml',
      v1.replace(
        '    num_replicas: 1\n',
        '    num_replicas: 1\n    autoscaling_config: {max_replicas: 2}\n',
      ),
    );
    const r = await cli(['serve', 'apply', 'lab', p, '--wait']);
    expect(r.code).toBe(1);
    expect(r.out[0]).toMatch(
      new RegExp(
        `^${p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: line 8: applications\\[0\\]\\.deployments\\[0\\]\\.num_replicas: `,
      ),
    );
    expect(r.err).toEqual([
      expect.stringMatching(
        /^raydeck: The Serve config is not valid \(1 error\): .*Nothing was sent to Ray\.$/,
      ),
    ]);
    expect(fake.writes).toBe(0);
  });

  it("status shows replicas pending and why, in Ray's words", async () => {
    const { cli, file } = await lab();
    const huge = v1.replace(
      '    num_replicas: 1\n',
      '    num_replicas: 1\n    ray_actor_options: {resources: {huge: 1}}\n',
    );
    expect((await cli(['serve', 'apply', 'lab', file('huge.yaml', huge)])).code).toBe(0);
    await cli(['serve', 'status', 'lab']); // first read: DEPLOYING
    const r = await cli(['serve', 'status', 'lab']);
    expect(r.out).toContain('echo  DEPLOYING  /echo');
    expect(r.out.find((l) => l.includes('  Echo'))).toMatch(
      /^ {2}Echo\s+UPDATING\s+0\/1 running, 1 pending\s+pending because: Deployment 'Echo' in application 'echo' has 1 replicas that have taken more than 30s to be scheduled/,
    );
    const json = JSON.parse((await cli(['serve', 'status', 'lab', '--json'])).out.join('\n'));
    expect(json.applications[0].deployments[0].counts).toEqual({
      desired: 1,
      running: 0,
      starting: 0,
      pending: 1,
      stopping: 0,
    });
  });

  it('rollback re-applies the previous version that ran; VERSION picks one', async () => {
    const { cli, file, fake } = await lab();
    await cli(['serve', 'apply', 'lab', file('v1.yaml', v1), '--wait']);
    await cli(['serve', 'apply', 'lab', file('v2.yaml', v2), '--wait']);
    const r = await cli(['serve', 'rollback', 'lab', '--wait']);
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe('v3 (rollback of v1): 1 application (echo)');
    expect(r.out).toContain('      ~ num_replicas: 2 -> 1');
    expect(r.out.at(-1)).toBe('v3 (rollback of v1) is RUNNING.');
    expect(fake.puts[2]).toEqual(fake.puts[0]);
    expect((await cli(['serve', 'rollback', 'lab', 'v2', '--json'])).code).toBe(0);
    expect((await cli(['serve', 'rollback', 'lab', 'two'])).code).toBe(2);
  });

  it('--auto-rollback: not RUNNING in time -> the last good version again, exit 1 saying so', async () => {
    const { cli, file } = await lab();
    await cli(['serve', 'apply', 'lab', file('v1.yaml', v1), '--wait']);
    const huge = v2.replace(
      '    num_replicas: 2\n',
      '    num_replicas: 2\n    ray_actor_options: {resources: {huge: 1}}\n',
    );
    const r = await cli([
      'serve',
      'apply',
      'lab',
      file('huge.yaml', huge),
      '--auto-rollback',
      '0.2',
      '--json',
    ]);
    expect(r.code).toBe(1);
    const body = JSON.parse(r.out.join('\n'));
    expect(body).toMatchObject({
      version: 2,
      operation: { state: 'failed' },
      entry: { result: { state: 'rolled-back' } },
    });
    expect(r.err[0]).toMatch(
      /^raydeck: v2 was not RUNNING within 0\.2 s; rolled back to v1 as v3: RUNNING\. Why: echo: DEPLOYING; /,
    );
    expect(
      (await cli(['serve', 'apply', 'lab', file('v1.yaml', v1), '--auto-rollback', 'soon'])).code,
    ).toBe(2);
  });

  it('export-kuberay of a file and of a cluster (its newest version that ran)', async () => {
    const { cli, file } = await lab();
    const fromFile = await cli(['serve', 'export-kuberay', file('My App.yaml', v1)]);
    expect(fromFile.code).toBe(0);
    const text = fromFile.out.join('\n');
    expect(text).toContain('kind: RayService');
    expect(text).toContain('  name: my-app');
    expect(text).toContain('    # echo, one replica');
    await cli(['serve', 'apply', 'lab', file('v2.yaml', v2), '--wait']);
    const fromCluster = (await cli(['serve', 'export-kuberay', 'lab'])).out.join('\n');
    expect(fromCluster).toContain('        num_replicas: 2');
    expect(fromCluster).toContain('  name: lab');
    expect((await cli(['serve', 'export-kuberay', 'nowhere'])).err).toEqual([
      'raydeck: "nowhere" is neither a file nor a cluster',
    ]);
  });
});
