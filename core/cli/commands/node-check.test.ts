/**
 * `raydeck node check`: the real preflight operation on a node that cannot be reached (FAIL,
 * exit 1), the checklist format and --json shape with stood-in results, a cluster of only jump
 * hosts, and Ctrl+C cancelling the operation.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { NodePreflight, Operation } from '../../../shared';
import { cliHarness, type CliHarness } from '../cli-test-kit';
import { writeClientKey } from '../../testing/ssh-node';

let h: CliHarness;
afterEach(() => h?.cleanup());

/** A local port with nothing listening (connection refused at once). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

async function lab(): Promise<CliHarness> {
  h = cliHarness();
  await h.run(['cluster', 'create', 'lab']);
  const key = writeClientKey(h.home);
  expect(
    (
      await h.run([
        'node',
        'add',
        'lab',
        '--host',
        '127.0.0.1',
        '--port',
        String(await closedPort()),
        '--user',
        'ml',
        '--key',
        key,
        '--name',
        'gpu1',
      ])
    ).code,
  ).toBe(0);
  return h;
}

const op = (state: Operation['state']): Operation => ({
  id: 'op-1',
  kind: 'preflight',
  title: 'Preflight checks',
  state,
  progress: null,
  detail: '',
  startedAt: '2025-01-01T10:00:00.000Z',
  endedAt: null,
  error: null,
});

describe('raydeck node check', () => {
  it('runs preflight as an operation; an unreachable node is a FAIL line with its hint, exit 1', async () => {
    await lab();
    const res = await h.run(['node', 'check', 'lab']);
    expect(res.code).toBe(1);
    expect(res.out[0]).toBe('Checking 1 node of lab...');
    expect(res.out[1]).toBe('gpu1 (head, 127.0.0.1)');
    expect(res.out[2]).toMatch(
      /^ {2}FAIL {2}Reach the node over SSH: gpu1: .*connection refused.* — Fix the connection first/,
    );
    expect(res.out.at(-1)).toBe('1 node checked: 0 passed, 0 warnings, 1 failed');
    expect(res.err).toEqual(['raydeck: preflight failed on gpu1 (Reach the node over SSH)']);
    const json = await h.run(['node', 'check', 'lab', '--json']);
    expect(json.code).toBe(1);
    const results = JSON.parse(json.out.join('\n'));
    expect(results).toEqual([
      {
        nodeId: expect.any(String),
        at: expect.any(String),
        gpus: [],
        checks: [expect.objectContaining({ id: 'reach', status: 'fail' })],
      },
    ]);
  });

  it('prints PASS/WARN lines with hints and exits 0 when nothing failed', async () => {
    await lab();
    const nodeId = JSON.parse((await h.run(['node', 'list', 'lab', '--json'])).out.join('\n'))[0]
      .id;
    const result: NodePreflight = {
      nodeId,
      at: '2025-01-01T10:00:03.000Z',
      gpus: [{ index: 0, name: 'NVIDIA A100-SXM4-80GB', memoryMiB: 81920, uuid: 'GPU-1' }],
      checks: [
        { id: 'cpu', label: 'CPU', status: 'pass', detail: '16 cores', hint: null },
        {
          id: 'disk',
          label: 'Free disk',
          status: 'warn',
          detail: '12 GiB free in /home',
          hint: 'vLLM wants 30 GiB.',
        },
      ],
    };
    h.stand('nodes.check', () => ({ operationId: 'op-1' }));
    h.stand('operations.get', () => ({ ...op('succeeded'), endedAt: '2025-01-01T10:00:04.000Z' }));
    h.stand('nodes.preflight', () => [result, { ...result, nodeId: 'someone-else' }]);
    const res = await h.run(['node', 'check', 'lab']);
    expect(res).toEqual({
      code: 0,
      out: [
        'Checking 1 node of lab...',
        'gpu1 (head, 127.0.0.1)',
        '  PASS  CPU: 16 cores',
        '  WARN  Free disk: 12 GiB free in /home — vLLM wants 30 GiB.',
        '1 node checked: 1 passed, 1 warning, 0 failed',
      ],
      err: [],
    });
    expect(JSON.parse((await h.run(['node', 'check', 'lab', '--json'])).out.join('\n'))).toEqual([
      result,
    ]);
  });

  it('says so in one line when there is nothing to check', async () => {
    h = cliHarness();
    await h.run(['cluster', 'create', 'lab']);
    await h.run([
      'node',
      'add',
      'lab',
      '--host',
      '203.0.113.5',
      '--user',
      'ml',
      '--role',
      'jump',
      '--name',
      'gate',
    ]);
    const res = await h.run(['node', 'check', 'lab']);
    expect(res.code).toBe(1);
    expect(res.err).toEqual([
      'raydeck: preflight failed: No Ray nodes to check: add a head and workers first (jump hosts are not checked).',
    ]);
  });

  it('Ctrl+C cancels the preflight operation and exits 130', async () => {
    await lab();
    let state: Operation['state'] = 'running';
    h.stand('nodes.check', () => ({ operationId: 'op-1' }));
    h.stand('operations.get', () => op(state));
    h.stand('operations.cancel', () => {
      state = 'cancelled';
      return op('running');
    });
    const res = await h.run(['node', 'check', 'lab'], {
      stopped: new Promise((r) => setTimeout(r, 300)),
    });
    expect(res.code).toBe(130);
    expect(res.err).toEqual(['raydeck: interrupted; the preflight checks were cancelled']);
    expect(h.calls.filter((c) => c.method === 'operations.get').length).toBeGreaterThan(1);
  });
});
