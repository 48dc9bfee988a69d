/**
 * `raydeck monitor --once --json` and `raydeck scale` through main() and a real core whose Serve
 * methods reach the fake Ray dashboard (the captured Ray 2.60 LLM app).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createClient, type MonitorSnapshot } from '../../../shared';
import { createCore } from '../../api/create-core';
import { FakeServeDashboard } from '../../serve/fake-serve-dashboard';
import { useTempHomes } from '../../testing/temp-home';
import { createMemoryTransport } from '../../transport/memory-transport';
import { main } from '../main';
import { monitorLines } from './monitor';

const tempHome = useTempHomes();
let fake: FakeServeDashboard | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

async function lab() {
  fake = await new FakeServeDashboard().listen();
  const home = tempHome();
  const dash = fake;
  const cli = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(argv, {
      io: { out: (l) => out.push(l), err: (l) => err.push(l) },
      env: { RAYDECK_HOME: home },
      stopped: new Promise(() => undefined),
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
  return { cli, fake: dash };
}

describe('raydeck monitor / scale', () => {
  it('monitor --once --json: deployments and replicas from Ray, no value as null (never 0)', async () => {
    const { cli } = await lab();
    const r = await cli(['monitor', 'lab', '--once', '--json', '--settle', '0.3']);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    const snap = JSON.parse(r.out.join('\n')) as MonitorSnapshot;
    const llm = snap.deployments.find((d) => d.key === 'llm/LLMServer:tiny-llama')!;
    expect(llm).toMatchObject({ status: 'HEALTHY', running: 1, desired: 1 });
    expect(llm.metrics.rps).toEqual({ value: null, at: null, stale: false }); // no metrics page: no value
    expect(snap.replicas.map((x) => x.deployment).sort()).toEqual([
      'LLMServer:tiny-llama',
      'OpenAiIngress',
    ]);
    expect(typeof snap.takenAt).toBe('number');
  });

  it('monitor --once for people: a table per deployment', async () => {
    const { cli } = await lab();
    const r = await cli(['monitor', 'lab', '--once', '--settle', '0.2']);
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/^lab at .*: 0 nodes, 0 GPUs, 2 deployments$/);
    expect(r.out.join('\n')).toMatch(/llm\/LLMServer:tiny-llama\s+HEALTHY\s+1\/1/);
  });

  it('scale --replicas --wait: preview warnings, then the safe apply followed to RUNNING', async () => {
    const { cli, fake } = await lab();
    const r = await cli([
      'scale',
      'lab',
      'llm',
      'LLMServer:tiny-llama',
      '--replicas',
      '2',
      '--wait',
    ]);
    expect(r.err).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(
      /^new replica 1: stays pending — no node of the cluster is alive in Ray/,
    );
    expect(r.out.join('\n')).toMatch(/warning: Ray's node list could not be read/);
    expect(r.out[r.out.length - 1]).toMatch(/is RUNNING\.$/);
    const put = fake.puts[fake.puts.length - 1] as {
      applications: { deployments: { name: string; num_replicas?: number }[] }[];
    };
    expect(put.applications[0]!.deployments).toContainEqual(
      expect.objectContaining({ name: 'LLMServer:tiny-llama', num_replicas: 2 }),
    );
    expect((await cli(['serve', 'history', 'lab'])).out.join('\n')).toMatch(/v1 .* running/);
  });

  it('refuses mixed or missing scaling options, naming them', async () => {
    const { cli } = await lab();
    expect((await cli(['scale', 'lab', 'llm', 'x'])).err[0]).toMatch(
      /either --replicas N or --min N --max N/,
    );
    expect((await cli(['scale', 'lab', 'llm', 'x', '--min', '1'])).err[0]).toMatch(
      /--min and --max go together/,
    );
    expect((await cli(['scale', 'lab', 'llm', 'x', '--replicas', '1.5'])).err[0]).toMatch(
      /--replicas wants a whole number/,
    );
    const r = await cli(['scale', 'lab', 'llm', 'Nope', '--replicas', '1']);
    expect(r.code).toBe(1);
    expect(r.err[0]).toMatch(/has no deployment 'Nope'/);
  });
});

describe('raydeck monitor (text)', () => {
  it('names the replica on each GPU and flags its Xid error', () => {
    const gpu = (index: number, over: Partial<MonitorSnapshot['gpus'][number]>) => ({
      key: `n1/${index}`,
      nodeId: 'n1',
      index,
      uuid: `GPU-${index}`,
      name: 'NVIDIA H100 80GB HBM3',
      utilizationPct: 40,
      memoryUsedMiB: 1000,
      memoryTotalMiB: 81559,
      temperatureC: 50,
      powerW: null,
      at: 0,
      stale: false,
      lost: false,
      hot: false,
      xid: null,
      processes: [],
      ...over,
    });
    const snap = {
      takenAt: 0,
      nodes: [],
      deployments: [],
      alerts: [],
      collectors: [],
      cost: { perHour: null, perMillionRequests: null },
      gpus: [
        gpu(0, {
          processes: [{ pid: 4301, usedMemoryMiB: 900, replicaId: 'pyae00yf', actorPid: 4279 }],
        }),
        gpu(1, { xid: 79 }),
      ],
    } as unknown as MonitorSnapshot;
    const text = monitorLines('lab', snap).join('\n');
    expect(text).toMatch(/^n1\/0\s.*\spyae00yf\s/m);
    expect(text).toMatch(/^n1\/1\s.*\s-\s+Xid 79$/m);
  });
});
