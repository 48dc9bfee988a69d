/**
 * The SSH-backed collectors over a fake node connection: the GPU stream runs gpu-stream.sh with
 * JSON input (nothing on a command line), hands lines over, and stop() aborts it and releases the
 * lease; a missing nvidia-smi is an error with nvidia-smi's reason; the metrics collector GETs
 * /metrics through forwardOut to the node's metrics port (a real local HTTP server here).
 */
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeConnection, RunScriptOptions, ScriptResult } from '../ssh/types';
import { GpuStreamCollector, MetricsCollector } from './collector';

const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

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

  it("metrics: GET /metrics through the node's own connection to its metrics port", async () => {
    const server = http.createServer((req, res) => res.end(`# ${req.url}\nray_serve_x 1\n`));
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const { calls, lease } = fakeConn(async () => ({ code: 0, stdout: '', stderr: '' }), port);
    const pages: string[] = [];
    const c = new MetricsCollector(lease, 'n1', 8080, 50, (p) => pages.push(p.toString()));
    c.start();
    await until(() => pages.length >= 2);
    c.stop();
    expect(pages[0]).toBe('# /metrics\nray_serve_x 1\n');
    expect(calls.forwards[0]).toEqual(['127.0.0.1', 8080]);
    expect(calls.leased).toBe(1); // one lease held while running
    expect(calls.released).toBe(1);
  });
});
