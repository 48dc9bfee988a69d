/**
 * `raydeck cluster up|start|stop|down|status` and drain-first `node remove`, against a real core
 * whose bring-up and cluster methods are stood in for (no Ray cluster here): progress lines, exit
 * codes, --json shapes, Ctrl+C cancelling the run, and input errors as one line.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BringUpRun, ClusterStatus, Operation } from '../../../shared';
import { cliHarness, type CliHarness } from '../cli-test-kit';
import { ended, newRun, withStep } from '../bringup-run-fixture';

let h: CliHarness;
afterEach(() => h?.cleanup());

async function labWithNodes(): Promise<CliHarness> {
  h = cliHarness();
  await h.run(['cluster', 'create', 'lab']);
  await h.run([
    'node',
    'add',
    'lab',
    '--host',
    '203.0.113.10',
    '--user',
    'root',
    '--name',
    'node1',
    '--key',
    '/nonexistent/key',
  ]);
  await h.run([
    'node',
    'add',
    'lab',
    '--host',
    '203.0.113.11',
    '--user',
    'root',
    '--name',
    'node2',
    '--key',
    '/nonexistent/key',
  ]);
  return h;
}

/** bringup.start answers `first`; each bringup.get answers the next snapshot (and wakes the follower by an event). */
function scriptRun(
  harness: CliHarness,
  first: BringUpRun,
  then: BringUpRun[],
  method: 'bringup.start' | 'cluster.start' = 'bringup.start',
) {
  const queue = [...then];
  let current = first;
  harness.stand(method, () => first);
  harness.stand('bringup.get', () => {
    current = queue.shift() ?? current;
    const next = queue[0];
    // After the follower has the answer and waits again (no timer: the next turn of the loop).
    if (next) setImmediate(() => harness.emit('bringup.changed', next));
    return current;
  });
}

const op = (state: Operation['state'], extra: Partial<Operation> = {}): Operation => ({
  id: 'op-1',
  kind: 'cluster-stop',
  title: 'Stop Ray',
  state,
  progress: null,
  detail: state === 'running' ? 'Stopping node2' : 'Done',
  startedAt: '2025-01-01T10:00:00.000Z',
  endedAt: state === 'running' ? null : '2025-01-01T10:00:05.000Z',
  error: null,
  ...extra,
});

const status = (state: ClusterStatus['state']): ClusterStatus => ({
  clusterId: 'c',
  state,
  downNodes: [],
  detail: state === 'running' ? 'The dashboard answered.' : 'Ray is not running on node1.',
  dashboardReachable: state === 'running',
  rayVersion: state === 'running' ? '2.60.0' : null,
  nodes:
    state === 'running'
      ? [
          {
            nodeId: 'a',
            name: 'node1',
            ip: '203.0.113.10',
            rayNodeId: 'r1',
            alive: true,
            isHead: true,
            gpus: 2,
            cpus: 4,
          },
          {
            nodeId: 'b',
            name: 'node2',
            ip: '203.0.113.11',
            rayNodeId: 'r2',
            alive: true,
            isHead: false,
            gpus: 2,
            cpus: 4,
          },
        ]
      : [],
  aliveNodes: state === 'running' ? 2 : 0,
  gpus: state === 'running' ? 4 : 0,
});

describe('raydeck cluster up', () => {
  it('prints one line per step transition and the verified nodes and GPUs; exit 0', async () => {
    await labWithNodes();
    const r0 = withStep(newRun(), 'node1', 'preflight', 'running', { start: 0 });
    const r1 = withStep(
      withStep(r0, 'node1', 'preflight', 'done', { start: 0, end: 1.5 }),
      'node2',
      'preflight',
      'done',
      { start: 0, end: 1.7 },
    );
    const r2 = withStep(r1, 'node2', 'install', 'done', { start: 2, end: 43.2 });
    const r3 = ended(r2, 'succeeded', { nodes: 2, gpus: 4, rayVersion: '2.60.0' });
    scriptRun(h, r0, [r1, r2, r3]);
    const res = await h.run([
      'cluster',
      'up',
      'lab',
      '--index',
      'http://198.51.100.1:8080/simple',
      '--no-vllm',
    ]);
    expect(res.err).toEqual([
      expect.stringMatching(
        /^raydeck: warning: http:\/\/198\.51\.100\.1:8080\/simple is plain http/,
      ),
    ]);
    expect(res.code).toBe(0);
    expect(res.out).toEqual([
      'Bringing up lab: Ray 2.60.0 + vLLM from PyPI',
      '  node1 (head): preflight, install, start-head, verify',
      '  node2 (worker): preflight, install, join',
      'node1  preflight   running',
      'node1  preflight   done  (1.5 s)',
      'node2  preflight   done  (1.7 s)',
      'node2  install     done  (41.2 s)',
      'lab is up: 2 nodes, 4 GPUs, Ray 2.60.0 (verified on the head)',
    ]);
    expect(h.calls[0]).toMatchObject({
      method: 'bringup.start',
      input: {
        options: {
          source: { kind: 'index', url: 'http://198.51.100.1:8080/simple' },
          withVllm: false,
        },
      },
    });
  });

  it('on failure prints the failing step with its hint, one reason line, exit 1', async () => {
    await labWithNodes();
    const r0 = withStep(newRun(), 'node2', 'install', 'running', { start: 0 });
    const r1 = ended(
      withStep(r0, 'node2', 'install', 'failed', {
        start: 0,
        end: 3,
        error: 'pip found no ray==2.60.0 in the index',
        hint: 'Check --index.',
      }),
      'failed',
    );
    scriptRun(h, r0, [r1]);
    const res = await h.run(['cluster', 'up', 'lab']);
    expect(res.code).toBe(1);
    expect(res.out.slice(-3)).toEqual([
      'node2  install     failed  (3.0 s): pip found no ray==2.60.0 in the index',
      'node2 install failed: pip found no ray==2.60.0 in the index',
      '  hint: Check --index.',
    ]);
    expect(res.err).toEqual([
      'raydeck: the bring-up of lab failed: node2 install: pip found no ray==2.60.0 in the index',
    ]);
    expect(h.calls[0]).toMatchObject({
      input: { options: { source: { kind: 'pypi' }, withVllm: true } },
    });
  });

  it("--vllm-on names the nodes that get vLLM; --no-pytorch-cpu-index turns PyTorch's CPU index off", async () => {
    await labWithNodes();
    scriptRun(h, ended(newRun(), 'succeeded'), []);
    await h.run(['cluster', 'up', 'lab', '--vllm-on', 'node2', '--no-pytorch-cpu-index']);
    const node2 = (
      JSON.parse((await h.run(['node', 'list', 'lab', '--json'])).out.join('\n')) as {
        name: string;
        id: string;
      }[]
    ).find((n) => n.name === 'node2')!.id;
    expect(h.calls[0]).toMatchObject({
      input: {
        options: {
          source: { kind: 'pypi', pytorchCpuIndex: false },
          withVllm: true,
          vllmNodeIds: [node2],
        },
      },
    });
    const both = await h.run(['cluster', 'up', 'lab', '--vllm-on', 'node2', '--no-vllm']);
    expect(both).toMatchObject({
      code: 2,
      err: ['raydeck: choose --no-vllm or --vllm-on, not both'],
    });
    const unknown = await h.run(['cluster', 'up', 'lab', '--vllm-on', 'node9']);
    expect(unknown.code).toBe(1);
    expect(unknown.err[0]).toMatch(/node9/);
  });

  it('Ctrl+C cancels the run through bringup.cancel and exits 130', async () => {
    await labWithNodes();
    const r0 = withStep(newRun(), 'node1', 'install', 'running', { start: 0 });
    h.stand('bringup.start', () => r0);
    h.stand('bringup.get', () => r0);
    h.stand('bringup.cancel', () =>
      ended(withStep(r0, 'node1', 'install', 'cancelled'), 'cancelled'),
    );
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    setTimeout(stop, 200);
    const res = await h.run(['cluster', 'up', 'lab'], { stopped });
    expect(res.code).toBe(130);
    expect(h.calls.map((c) => c.method)).toContain('bringup.cancel');
    expect(res.out).toContain('node1  install     cancelled');
    expect(res.err).toEqual(['raydeck: interrupted; the bring-up of lab was cancelled']);
  });

  it('--json prints only the final run', async () => {
    await labWithNodes();
    const done = ended(newRun(), 'succeeded', { nodes: 2, gpus: 4, rayVersion: '2.60.0' });
    scriptRun(h, newRun(), [done]);
    const res = await h.run(['cluster', 'up', 'lab', '--json']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.out.join('\n'))).toEqual(done);
  });

  it('rejects a bad source in one line: field path for a bad --index URL, usage for the rest', async () => {
    await labWithNodes();
    const bad = await h.run(['cluster', 'up', 'lab', '--index', 'not a url']);
    expect(bad.code).toBe(1);
    expect(bad.err).toEqual([
      expect.stringMatching(
        /^raydeck: Invalid input for bringup\.start: options\.source\.url: must start with https:\/\/ \(or http:\/\/ for a mirror on a network you trust\)$/,
      ),
    ]);
    expect((await h.run(['cluster', 'up', 'lab', '--source', 'conda'])).err).toEqual([
      expect.stringContaining('--source takes only "pypi"'),
    ]);
    expect(
      (await h.run(['cluster', 'up', 'lab', '--index', 'http://x/simple', '--wheelhouse', 'w']))
        .code,
    ).toBe(2);
    expect(await h.run(['cluster', 'up', 'ghost'])).toMatchObject({
      code: 1,
      err: ['raydeck: No cluster named "ghost".'],
    });
    expect((await h.run(['cluster', 'up', 'lab', '--only', 'node9'])).err).toEqual([
      'raydeck: No node named "node9" in this cluster.',
    ]);
  });
});

describe('raydeck cluster status|stop|start|down', () => {
  it('status prints the live cluster; --json is cluster.status as is', async () => {
    await labWithNodes();
    h.stand('cluster.status', () => status('running'));
    const res = await h.run(['cluster', 'status', 'lab']);
    expect(res.code).toBe(0);
    expect(res.out.slice(0, 3)).toEqual([
      'lab: running — The dashboard answered.',
      '  Ray 2.60.0 · dashboard reachable · 2 of 2 Ray nodes alive · 4 GPUs',
      'NAME   IP            ROLE    ALIVE  GPUS  CPUS',
    ]);
    expect(
      JSON.parse((await h.run(['cluster', 'status', 'lab', '--json'])).out.join('\n')),
    ).toEqual(status('running'));
  });

  it('stop waits for the operation and prints the outcome; a failed one exits 1 with its error', async () => {
    await labWithNodes();
    const states = [op('running'), op('succeeded')];
    h.stand('cluster.stop', () => ({ operationId: 'op-1' }));
    h.stand('operations.get', () => states.shift() ?? op('succeeded'));
    const res = await h.run(['cluster', 'stop', 'lab']);
    expect(res).toEqual({
      code: 0,
      out: ['  Stopping node2', 'Ray is stopped on every node of lab'],
      err: [],
    });
    h.stand('operations.get', () =>
      op('failed', { error: 'node2: ray stop exited 1\nsecond line' }),
    );
    h.stand('operations.logs', () => []);
    expect(await h.run(['cluster', 'stop', 'lab'])).toMatchObject({
      code: 1,
      err: ['raydeck: Stop Ray failed: node2: ray stop exited 1 second line'],
    });
  });

  it('down passes --uninstall; --json prints the ended operation', async () => {
    await labWithNodes();
    h.stand('cluster.down', () => ({ operationId: 'op-1' }));
    h.stand('operations.get', () => op('succeeded', { title: 'Tear down' }));
    const res = await h.run(['cluster', 'down', 'lab', '--uninstall', '--json']);
    expect(res.code).toBe(0);
    expect(JSON.parse(res.out.join('\n'))).toMatchObject({ id: 'op-1', state: 'succeeded' });
    expect(h.calls.find((c) => c.method === 'cluster.down')?.input).toMatchObject({
      uninstall: true,
    });
  });

  it('start follows the run it returns', async () => {
    await labWithNodes();
    scriptRun(
      h,
      newRun(),
      [ended(newRun(), 'succeeded', { nodes: 2, gpus: 4, rayVersion: '2.60.0' })],
      'cluster.start',
    );
    const res = await h.run(['cluster', 'start', 'lab']);
    expect(res.code).toBe(0);
    expect(res.out.at(-1)).toBe('lab is up: 2 nodes, 4 GPUs, Ray 2.60.0 (verified on the head)');
  });
});

describe('raydeck node remove', () => {
  it('drains a worker of a running cluster through cluster.removeWorker', async () => {
    await labWithNodes();
    h.stand('cluster.status', () => status('running'));
    h.stand('cluster.removeWorker', () => ({ operationId: 'op-1' }));
    h.stand('operations.get', () => op('succeeded', { title: 'Remove node2' }));
    const res = await h.run(['node', 'remove', 'lab', 'node2']);
    expect(res.code).toBe(0);
    expect(res.out).toEqual([
      'lab is running: draining node2 before removing it',
      'Drained node2, stopped Ray on it and removed it from lab',
    ]);
    const node2 = (await h.run(['node', 'list', 'lab', '--json'])).out.join('\n');
    expect(h.calls.find((c) => c.method === 'cluster.removeWorker')?.input).toEqual({
      nodeId: JSON.parse(node2).find((n: { name: string }) => n.name === 'node2').id,
    });
  });

  it('only removes from the inventory when the cluster is not running', async () => {
    await labWithNodes();
    h.stand('cluster.status', () => status('stopped'));
    expect(await h.run(['node', 'remove', 'lab', 'node2'])).toEqual({
      code: 0,
      out: ['Removed node node2 from lab'],
      err: [],
    });
    expect(h.calls.map((c) => c.method)).toEqual(['cluster.status']);
    const left = JSON.parse((await h.run(['node', 'list', 'lab', '--json'])).out.join('\n'));
    expect(left.map((n: { name: string }) => n.name)).toEqual(['node1']);
  });
});
