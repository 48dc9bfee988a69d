/**
 * The head connector: Serve requests go to the cluster's head, through its SSH connection's
 * forwardOut to 127.0.0.1:8265 (a TCP connection to the fake dashboard stands in for the SSH
 * channel), with the token the head holds; the lease is released after; no head is refused.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ClusterNode } from '../../shared';
import type { NodeInventory } from '../inventory/node-inventory';
import type { NodeAccess } from '../nodes/node-access';
import type { NodeConnection } from '../ssh/types';
import { FakeServeDashboard } from './fake-serve-dashboard';
import { headServeConnector } from './serve-target';

let fake: FakeServeDashboard | null = null;
afterEach(async () => {
  await fake?.close();
  fake = null;
});

const node = (id: string, role: ClusterNode['role']) => ({ id, name: id, role }) as ClusterNode;

function cluster(nodes: ClusterNode[], port: number) {
  const leased: string[] = [];
  const forwarded: string[] = [];
  let released = 0;
  const conn = {
    runScript: async () => ({ code: 0, stdout: '{"token": "t0k3n"}\n', stderr: '' }),
    forwardOut: async (host: string, p: number) => {
      forwarded.push(`${host}:${p}`);
      return net.connect(port, '127.0.0.1');
    },
    release: () => void (released += 1),
  } as unknown as NodeConnection;
  const inventory = { list: async () => nodes } as unknown as NodeInventory;
  const access = {
    lease: async (id: string) => {
      leased.push(id);
      return conn;
    },
  } as unknown as NodeAccess;
  return {
    connect: headServeConnector(inventory, access),
    leased,
    forwarded,
    released: () => released,
  };
}

describe('headServeConnector', () => {
  it("reaches Serve on the head through its tunnel with the head's token, and releases the lease", async () => {
    fake = await new FakeServeDashboard().listen();
    const c = cluster([node('w1', 'worker'), node('h1', 'head')], fake.port);
    const serve = await c.connect('c1');
    const status = await serve.api.applications();
    expect(status.applications.map((a) => a.name)).toEqual(['llm']);
    serve.release();
    expect(c.leased).toEqual(['h1']);
    expect(c.forwarded).toEqual(['127.0.0.1:8265']);
    expect(c.released()).toBe(1);
    expect(fake.requests.at(-1)!.headers.authorization).toBe('Bearer t0k3n');
  });

  it('a cluster without a head is refused before any connection', async () => {
    const c = cluster([node('w1', 'worker')], 1);
    await expect(c.connect('c1')).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/no head node/),
    });
    expect(c.leased).toEqual([]);
  });
});
