/**
 * The fault suite (issue 20): the CLI and a running core as one user's two processes, against
 * the shared testbed. Tests run in order and build on each other (bare nodes -> up, killed and
 * re-run -> stopped -> started from a fresh home -> a worker's Ray killed); run the file whole.
 *
 * - the CLI and a running core write the inventory at the same time: N rounds, nothing lost,
 *   and the core tells its listeners about the CLI's writes;
 * - `cluster up` killed (SIGKILL) at several points and run again, while every node is watched
 *   for install jobs: at most one pip per node at any moment, and the cluster ends verified;
 * - `cluster start` on bare nodes says to bring the cluster up; from a fresh $RAYDECK_HOME on a
 *   running-then-stopped cluster it starts Ray without installing anything;
 * - `cluster status` with a worker's Ray killed says degraded and names it; started again, the
 *   node shows once;
 * - every failing CLI command printed one stderr line and no stack trace.
 * It prints its figures (rounds, writers, kills, pip samples) at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BringUpRun, ClusterStatus } from '../../shared';
import { createClient, type RaydeckClient } from '../../shared';
import { createCore, type Core } from '../../core/api/create-core';
import { createMemoryTransport } from '../../core/transport/memory-transport';
import {
  STACK_LINE,
  raydeck,
  raydeckProcess,
  removeWorlds,
  world,
  type CliResult,
  type World,
} from '../support/cli-process';
import { onNode, onNodeAsync, resetTestbed, type TestbedInfo } from '../support/testbed';

const ROUNDS = 12;
const figures: string[] = [];
/** Every CLI command this suite ran that failed, for the stack-trace check at the end. */
const failures: { args: string[]; result: CliResult }[] = [];

let tb: TestbedInfo;
beforeAll(() => {
  tb = resetTestbed();
}, 300_000);
afterAll(() => {
  removeWorlds();
  console.log(`\nFault suite figures:\n${figures.map((f) => `  ${f}`).join('\n')}\n`);
});

/** `raydeck ARGS`, remembering failures. */
async function cli(w: World, args: string[], timeoutMs?: number): Promise<CliResult> {
  const r = await raydeck(w, args, timeoutMs);
  if (r.code !== 0) failures.push({ args, result: r });
  return r;
}

async function until<T>(
  get: () => Promise<T>,
  ok: (v: T) => boolean,
  ms: number,
  what: string,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > end)
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(v).slice(0, 500)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** A cluster of the testbed's nodes in world `w`, every host key trusted by its known fingerprint. */
async function importTestbed(w: World, name: string): Promise<void> {
  expect((await cli(w, ['cluster', 'create', name])).code).toBe(0);
  const imported = await cli(w, [
    'node',
    'import',
    name,
    '--testbed',
    process.env.RAYDECK_TESTBED_JSON!,
  ]);
  expect(imported.code, imported.stderr).toBe(0);
  for (const n of tb.nodes) {
    const trusted = await cli(w, [
      'node',
      'trust',
      name,
      n.name,
      '--fingerprint',
      n.hostKeyFingerprints[0]!,
    ]);
    expect(trusted.code, trusted.stderr).toBe(0);
  }
}

/**
 * Watches every node for concurrent pip runs: each install job runs in a session of its own, so
 * the number of distinct sessions holding a process whose command line names the Ray pin is the
 * number of pips writing the venv at that moment.
 */
function watchPips(): {
  stop(): Promise<{ samples: number; maxByNode: Record<string, number>; seen: boolean }>;
} {
  const maxByNode: Record<string, number> = Object.fromEntries(tb.nodes.map((n) => [n.name, 0]));
  let samples = 0;
  let running = true;
  const deadline = Date.now() + 10 * 60_000; // bounded whatever happens
  const loop = (async () => {
    while (running && Date.now() < deadline) {
      await Promise.all(
        tb.nodes.map(async (n) => {
          const out = await onNodeAsync(
            n,
            "ps -eo sid=,args= | grep -F 'ray[serve]==' | grep -v grep | awk '{print $1}' | sort -u | wc -l",
          );
          const count = Number(out.trim());
          if (Number.isFinite(count)) maxByNode[n.name] = Math.max(maxByNode[n.name]!, count);
        }),
      );
      samples += 1;
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return { samples, maxByNode, seen: Object.values(maxByNode).some((m) => m > 0) };
    },
  };
}

/** Whether any node runs a pip install of the Ray pin now. */
async function pipRunning(): Promise<boolean> {
  const outs = await Promise.all(
    tb.nodes.map((n) =>
      onNodeAsync(n, "ps -eo args= | grep -F 'ray[serve]==' | grep -v grep | wc -l"),
    ),
  );
  return outs.some((o) => Number(o.trim()) > 0);
}

describe('the CLI and a running app share one inventory', () => {
  let core: Core;
  let client: RaydeckClient;
  let w: World;
  beforeAll(() => {
    w = world();
    core = createCore({ home: w.raydeckHome, mode: 'memory', userKnownHosts: [] });
    client = createClient(createMemoryTransport(core.service));
  });
  afterAll(() => {
    client.close();
    core.dispose();
  });

  it(`${ROUNDS} rounds of the CLI and the app writing at the same time: nothing lost, the app sees the CLI's changes`, async () => {
    const seenByApp = new Set<string>();
    client.subscribe('clusters.changed', (clusters) =>
      clusters.forEach((c) => seenByApp.add(c.name)),
    );
    const home = (await client.call('clusters.create', { name: 'home' })).id;
    let writes = 1;
    for (let i = 0; i < ROUNDS; i++) {
      // The CLI adds a cluster and a node; the app at the same moment adds its own and renames the CLI's previous one.
      const previous =
        i > 0
          ? (await client.call('clusters.list', {})).find((c) => c.name === `cli${i - 1}`)
          : undefined;
      const [created, added] = await Promise.all([
        cli(w, ['cluster', 'create', `cli${i}`]),
        cli(w, [
          'node',
          'add',
          'home',
          '--host',
          `127.0.0.${i + 10}`,
          '--user',
          'u',
          '--agent',
          '--role',
          'worker',
        ]),
        client.call('clusters.create', { name: `ui${i}` }),
        client.call('nodes.add', {
          clusterId: home,
          name: `ui-node${i}`,
          host: `127.0.1.${i + 10}`,
          user: 'u',
          auth: { kind: 'agent' },
          role: 'worker',
        }),
        previous
          ? client.call('clusters.rename', { id: previous.id, name: `cli${i - 1}-renamed` })
          : Promise.resolve(null),
      ]);
      expect(created.code, created.stderr).toBe(0);
      expect(added.code, added.stderr).toBe(0);
      writes += previous ? 5 : 4;
    }
    const names = (await client.call('clusters.list', {})).map((c) => c.name).sort();
    const expected = [
      'home',
      ...Array.from({ length: ROUNDS }, (_, i) => [
        i < ROUNDS - 1 ? `cli${i}-renamed` : `cli${i}`,
        `ui${i}`,
      ]).flat(),
    ].sort();
    expect(names).toEqual(expected);
    const cliNames = JSON.parse((await cli(w, ['cluster', 'list', '--json'])).stdout)
      .map((c: { name: string }) => c.name)
      .sort();
    expect(cliNames).toEqual(expected);
    expect((await client.call('nodes.list', { clusterId: home })).length).toBe(2 * ROUNDS);
    // The app heard of the CLI's clusters without being asked (file watch -> clusters.changed).
    await until(
      async () => [...seenByApp],
      (seen) => seen.includes(`cli${ROUNDS - 1}`),
      5_000,
      "the app to hear of the CLI's last cluster",
    );
    figures.push(
      `inventory: ${ROUNDS} rounds, 2 writers (a raydeck process per write + the running core), ${writes} writes, 0 lost`,
    );
  }, 240_000);
});

describe('bring-up killed and re-run, start, status', () => {
  let w: World;
  beforeAll(async () => {
    w = world();
    await importTestbed(w, 'lab');
  }, 120_000);

  it('cluster start on nodes with nothing installed says to bring the cluster up', async () => {
    const r = await cli(w, ['cluster', 'start', 'lab']);
    expect(r.code).toBe(1);
    expect(r.stdout + r.stderr).toMatch(
      /Ray is not installed in .*no finished install there.*bring the cluster up first/,
    );
    expect(r.stdout).toMatch(/Bring the cluster up \(Bring-up page, or `raydeck cluster up`\)/);
    expect(await onNode(tb.nodes[0]!, 'ls ~/.raydeck/jobs | grep -c install || true')).toMatch(
      /^0/,
    );
  }, 120_000);

  it('cluster up killed at 3 points and run again: never two pips on a node, and it ends verified', async () => {
    const up = ['cluster', 'up', 'lab', '--index', tb.index, '--no-vllm'];
    const pips = watchPips();
    let kills = 0;
    try {
      // 1: killed early (preflight or the first moments of the install).
      const first = raydeckProcess(w, up);
      await new Promise((r) => setTimeout(r, 2_500));
      first.child.kill('SIGKILL');
      await first.done;
      kills += 1;
      // 2 and 3: killed while pip runs on the nodes, each time by a new run.
      for (let k = 0; k < 2; k++) {
        const run = raydeckProcess(w, up);
        await until(pipRunning, (yes) => yes, 60_000, 'pip to run on a node');
        await new Promise((r) => setTimeout(r, 800));
        run.child.kill('SIGKILL');
        await run.done;
        kills += 1;
      }
      const last = await cli(w, [...up, '--json'], 300_000);
      expect(last.code, last.stderr).toBe(0);
      const run = JSON.parse(last.stdout) as BringUpRun;
      expect(run.verified).toMatchObject({ nodes: 3, gpus: 6 });
    } finally {
      const watched = await pips.stop();
      figures.push(
        `cluster up: ${kills} kills (SIGKILL) + a final run; ${watched.samples} samples of every node; most pips at once per node: ${JSON.stringify(watched.maxByNode)}`,
      );
      expect(watched.seen, 'the watcher saw pip run').toBe(true);
      for (const [node, max] of Object.entries(watched.maxByNode))
        expect(max, `pips at once on ${node}`).toBeLessThanOrEqual(1);
    }
    for (const n of tb.nodes)
      expect(await onNode(n, 'cat ~/.raydeck/venv/.raydeck-installed')).toContain(
        'ray[serve]==2.60.0',
      );
  }, 480_000);

  it('cluster start from a fresh $RAYDECK_HOME on a running-then-stopped cluster starts Ray, installs nothing', async () => {
    const stopped = await cli(w, ['cluster', 'stop', 'lab']);
    expect(stopped.code, stopped.stderr).toBe(0);
    const installsBefore = await Promise.all(
      tb.nodes.map((n) => onNode(n, 'cat ~/.raydeck/jobs/*-install/starts 2>/dev/null | wc -l')),
    );
    const fresh = world();
    await importTestbed(fresh, 'lab-elsewhere');
    const started = await cli(fresh, ['cluster', 'start', 'lab-elsewhere', '--json'], 300_000);
    expect(started.code, started.stderr).toBe(0);
    const run = JSON.parse(started.stdout) as BringUpRun;
    expect(run.verified).toMatchObject({ nodes: 3, gpus: 6 });
    expect(run.nodes.flatMap((n) => n.steps.map((s) => s.kind))).not.toContain('install');
    expect(
      await Promise.all(
        tb.nodes.map((n) => onNode(n, 'cat ~/.raydeck/jobs/*-install/starts 2>/dev/null | wc -l')),
      ),
    ).toEqual(installsBefore);
    figures.push(
      'cluster start: from a fresh $RAYDECK_HOME, 3 nodes / 6 GPUs verified, 0 installs',
    );
  }, 360_000);

  it("status with a worker's Ray killed: degraded, naming it; started again, the node shows once", async () => {
    const victim = tb.nodes[2]!;
    onNode(victim, '~/.raydeck/venv/bin/ray stop --force >/dev/null 2>&1; true');
    const status = () =>
      cli(w, ['cluster', 'status', 'lab', '--json']).then(
        (r) => JSON.parse(r.stdout) as ClusterStatus,
      );
    const degraded = await until(
      status,
      (s) => s.state === 'degraded',
      90_000,
      'the status to say degraded',
    );
    expect(degraded.downNodes).toEqual([victim.name]);
    const human = await cli(w, ['cluster', 'status', 'lab']);
    expect(human.stdout).toMatch(new RegExp(`lab: degraded — .*not running on ${victim.name}`));
    expect(human.stdout).toContain(`down: ${victim.name}`);

    const again = await cli(w, ['cluster', 'start', 'lab'], 300_000);
    expect(again.code, again.stderr).toBe(0);
    const running = await until(
      status,
      (s) => s.state === 'running',
      60_000,
      'the status to say running',
    );
    expect(running.nodes.filter((n) => n.ip === victim.host)).toHaveLength(1);
    expect(running.nodes.find((n) => n.ip === victim.host)?.alive).toBe(true);
    expect(running.aliveNodes).toBe(3);
    figures.push(
      `cluster status: ${victim.name}'s Ray killed -> degraded [${victim.name}]; started again -> running, ${running.nodes.length} rows for 3 nodes`,
    );
  }, 420_000);
});

describe('failing commands print one line', () => {
  it('every failing raydeck command of this suite, and a few more, printed one stderr line and no stack trace', async () => {
    const w = world();
    await cli(w, ['cluster', 'status', 'nope']);
    await cli(w, ['cluster', 'create', 'x']);
    await cli(w, ['cluster', 'create', 'x']);
    await cli(w, ['node', 'add', 'x', '--host', 'bad host', '--user', 'u', '--agent']);
    await cli(w, ['cluster', 'up', 'x', '--index', 'ftp://example.invalid/simple']);
    await cli(w, ['cluster', 'stop', 'x']);
    const broken = world();
    const fs = await import('node:fs');
    fs.writeFileSync(`${broken.raydeckHome}/inventory.json`, '{"version": 1, "clusters": [');
    await cli(broken, ['cluster', 'list']);
    await cli(broken, ['cluster', 'create', 'y']);
    expect(failures.length).toBeGreaterThanOrEqual(8);
    for (const f of failures) {
      const lines = f.result.stderr.trimEnd().split('\n');
      expect(lines, `raydeck ${f.args.join(' ')}`).toHaveLength(1);
      expect(lines[0], `raydeck ${f.args.join(' ')}`).toMatch(/^raydeck: /);
      expect(f.result.stderr + f.result.stdout, `raydeck ${f.args.join(' ')}`).not.toMatch(
        STACK_LINE,
      );
    }
    figures.push(
      `failing commands checked for a single stderr line and no stack: ${failures.length}`,
    );
  }, 120_000);
});
