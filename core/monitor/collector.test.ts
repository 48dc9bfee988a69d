/**
 * The SSH-backed collectors over a fake node connection: the GPU stream runs gpu-stream.sh with
 * JSON input (nothing on a command line), hands lines over, and stop() aborts it and releases the
 * lease; a missing nvidia-smi is an error with nvidia-smi's reason; the metrics collector runs
 * metrics-stream.sh the same way and hands over its pages (null for `--same--`).
 * The script itself is tested in metrics-stream.test.ts. The Serve collector hands over Serve's
 * state every period and Ray's nodes and actors every 10th; a refused actors list is no actors.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import type { NodeConnection, RunScriptOptions, ScriptResult } from '../ssh/types';
import { GpuStreamCollector, MetricsCollector, ServeCollector } from './collector';

function fakeConn(run: (name: string, opts: RunScriptOptions) => Promise<ScriptResult>, port = 0) {
  const calls = {
    leased: 0,
    released: 0,
    scripts: [] as { name: string; input: unknown }[],
    forwards: [] as [string, number][],
  };
  const conn = {
    runScript: (name: string, opts: RunScriptOptions = {}) => {
      calls.scripts.push({ name, input: opts.input });
      return run(name, opts);
    },
    forwardOut: async (host: string, p: number) => {
      calls.forwards.push([host, p]);
      return net.connect(port, '127.0.0.1');
    },
    release: () => calls.released++,
  } as unknown as NodeConnection;
  return { calls, lease: async () => (calls.leased++, conn) };
}

const until = async (f: () => boolean) => {
  for (let i = 0; i < 200 && !f(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(f()).toBe(true);
};

describe('collectors', () => {
  it('GPU stream: one script run with JSON input, lines handed over, stop aborts and releases', async () => {
    let aborted = false;
    const { calls, lease } = fakeConn((_n, opts) => {
      opts.onLine?.('{"kind":"started","stream":"gpu","periodMs":1000}', 'stdout');
      opts.onLine?.('0, GPU-a, H100, 1, 2, 3, 4, 5', 'stdout');
      return new Promise((resolve) =>
        opts.signal!.addEventListener('abort', () => {
          aborted = true;
          resolve({ code: 143, stdout: '', stderr: '' });
        }),
      );
    });
    const lines: string[] = [];
    const c = new GpuStreamCollector(lease, 'n1', 'gpu', 1000, (l) => lines.push(l));
    c.start();
    await until(() => lines.length === 2);
    expect(calls.scripts).toEqual([
      { name: 'gpu-stream', input: { stream: 'gpu', periodMs: 1000 } },
    ]);
    expect(c.status).toMatchObject({ key: 'gpu:n1', state: 'running' });
    c.stop();
    await until(() => aborted && calls.released === 1);
    expect(c.status.state).toBe('stopped');
  });

  it('GPU stream: nvidia-smi missing is an error naming it (and retried slowly)', async () => {
    const { lease } = fakeConn(async (_n, opts) => {
      opts.onLine?.(
        '{"kind":"error","message":"nvidia-smi is not installed on this node"}',
        'stdout',
      );
      return { code: 3, stdout: '', stderr: '' };
    });
    const c = new GpuStreamCollector(lease, 'n1', 'apps', 5000, () => {});
    c.start();
    await until(() => c.status.state === 'error');
    expect(c.status).toMatchObject({
      key: 'gpu-apps:n1',
      message: 'nvidia-smi is not installed on this node',
    });
    c.stop();
  });

  it("metrics: one metrics-stream.sh run with the port and families; pages, the same page again, the node's read errors", async () => {
    let aborted = false;
    const { calls, lease } = fakeConn((_n, opts) => {
      const out = (l: string) => opts.onLine?.(l, 'stdout');
      out('{"kind":"started","stream":"metrics","periodMs":1000}');
      out('# TYPE ray_serve_x gauge');
      out('ray_serve_x{a="1"} 1');
      out('--page--');
      out('--same--');
      out('--error-- <urlopen error [Errno 111] Connection refused>');
      return new Promise((resolve) =>
        opts.signal!.addEventListener('abort', () => {
          aborted = true;
          resolve({ code: 143, stdout: '', stderr: '' });
        }),
      );
    });
    const pages: (string | null)[] = [];
    const c = new MetricsCollector(lease, 'n1', 8080, 1000, ['ray_serve_x'], (p) => pages.push(p));
    c.start();
    await until(() => pages.length === 2 && c.status.state === 'error');
    expect(calls.scripts).toEqual([
      {
        name: 'metrics-stream',
        input: { port: 8080, periodMs: 1000, families: ['ray_serve_x'] },
      },
    ]);
    expect(pages[0]).toBe('# TYPE ray_serve_x gauge\nray_serve_x{a="1"} 1\n');
    expect(pages[1]).toBeNull(); // the same page: the monitor reuses what it read of it
    expect(c.status).toMatchObject({ key: 'metrics:n1', state: 'error' });
    expect(c.status.message).toMatch(/port 8080: .*Connection refused/);
    expect(calls.forwards).toEqual([]); // nothing through a tunnel any more
    c.stop();
    await until(() => aborted && calls.released === 1);
  });

  it('metrics: bad input or a stream that ends is an error (and retried)', async () => {
    const { lease } = fakeConn(async (_n, opts) => {
      opts.onLine?.('{"kind":"error","message":"input: port 1-65535"}', 'stdout');
      return { code: 2, stdout: '', stderr: '' };
    });
    const c = new MetricsCollector(lease, 'n1', 8080, 1000, ['x'], () => {});
    c.start();
    await until(() => c.status.state === 'error');
    expect(c.status.message).toBe('input: port 1-65535');
    c.stop();
  });
});

describe('Serve collector', () => {
  it("hands over Serve's state, Ray's nodes and actors; a refused actors list is no actors, not an error", async () => {
    const got: string[] = [];
    let actorsCalls = 0;
    const connect = async () => ({
      api: { applications: async () => ({ applications: [] }) },
      nodes: async () => [],
      actors: async () => {
        actorsCalls++;
        if (actorsCalls === 1) throw new Error('HTTP 500 from /api/v0/actors');
        return [];
      },
      release: () => {},
    });
    const c = new ServeCollector(
      connect as never,
      'c1',
      10,
      () => got.push('serve'),
      () => got.push('nodes'),
      (a) => got.push(`actors ${a.length}`),
    );
    c.start();
    await until(() => got.filter((g) => g.startsWith('actors')).length >= 2);
    c.stop();
    expect(got.slice(0, 3)).toEqual(['serve', 'nodes', 'actors 0']);
    expect(got.filter((g) => g === 'serve').length).toBeGreaterThanOrEqual(11); // every 10th round
  });
});
