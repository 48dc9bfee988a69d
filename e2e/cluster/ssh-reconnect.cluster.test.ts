/**
 * Cluster test of keepalive and background reconnect: when a node's link drops, its connection
 * turns `stale` within the keepalive window while the other nodes keep answering fast; when the
 * link comes back, the connection is `ready` again by itself and work queued meanwhile runs.
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConnectionState } from '../../shared';
import type { NodeConnection, SshTarget } from '../../core/ssh/types';
import { PinnedHostKeys, SshConnectionPool, scriptJson } from '../../core/ssh/connection';
import { fault, heal, testbedInfo, type TestbedNode } from '../support/testbed';

const info = testbedInfo();
const verifier = new PinnedHostKeys(
  info.nodes.map((n) => ({ host: n.host, port: n.port, fingerprints: n.hostKeyFingerprints })),
);
const targetOf = (node: TestbedNode): SshTarget => ({
  host: node.host,
  port: node.port,
  user: node.user,
  auth: { kind: 'key', privateKey: fs.readFileSync(node.identityFile) },
});

// Keepalive every 1 s, lost after 2 unanswered: a dead link is noticed within about 3 s.
const pool = new SshConnectionPool({
  lingerMs: 0,
  keepaliveIntervalMs: 1000,
  keepaliveCountMax: 2,
  connectTimeoutMs: 4000,
  backoff: { initialMs: 200, maxMs: 2000, jitter: 0.5 },
});
afterAll(() => pool.closeAll());

async function timedEcho(conn: NodeConnection, input: unknown): Promise<number> {
  const started = Date.now();
  const out = scriptJson('echo-input', await conn.runScript('echo-input', { input })) as {
    input: unknown;
  };
  expect(out.input).toEqual(input);
  return Date.now() - started;
}

function waitForState(
  conn: NodeConnection,
  wanted: ConnectionState['state'],
  withinMs: number,
): Promise<number> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    if (conn.state().state === wanted) return resolve(0);
    const timer = setTimeout(
      () => (
        off(),
        reject(
          new Error(`still ${JSON.stringify(conn.state())} after ${withinMs} ms, wanted ${wanted}`),
        )
      ),
      withinMs,
    );
    const off = conn.onState((s) => {
      if (s.state !== wanted) return;
      clearTimeout(timer);
      off();
      resolve(Date.now() - started);
    });
  });
}

describe('a node whose link drops', () => {
  it('turns stale within the keepalive window, others stay fast, and it comes back by itself', async () => {
    const [node1, node2, node3] = info.nodes as [TestbedNode, TestbedNode, TestbedNode];
    const conns = [node1, node2, node3].map((n) => pool.acquire(targetOf(n), { verifier }));
    const [c1, c2, c3] = conns as [NodeConnection, NodeConnection, NodeConnection];
    await Promise.all(conns.map((c) => c.ready()));
    for (const c of conns) await timedEcho(c, 'warm');
    const seen: string[] = [];
    c2.onState((s) => seen.push(s.state === 'stale' ? `stale: ${s.reason}` : s.state));

    let queued: Promise<number> | undefined;
    fault('link', node2.name);
    try {
      const staleAfter = await waitForState(c2, 'stale', 6000);
      expect(staleAfter).toBeLessThan(6000);
      expect(seen[0]).toMatch(/^stale: no answer to keepalives for 3 s; reconnecting/);
      // The other nodes do not wait for the dead one.
      for (const c of [c1, c3])
        expect(await timedEcho(c, { while: 'node2 down' })).toBeLessThan(2000);
      // Work asked of the stale node waits for it instead of failing.
      queued = timedEcho(c2, { queued: 'during outage' });
      await new Promise((r) => setTimeout(r, 1500));
      expect(c2.state().state).toBe('stale');
    } finally {
      heal('link', node2.name);
    }
    const readyAfter = await waitForState(c2, 'ready', 20_000);
    expect(readyAfter).toBeLessThan(20_000);
    await expect(queued).resolves.toBeGreaterThan(0);
    expect(await timedEcho(c2, { after: 'heal' })).toBeLessThan(2000);
    expect(seen.at(-1)).toBe('ready');
    expect(seen.some((s) => s.startsWith('failed'))).toBe(false);
    for (const c of conns) c.release();
  });
});
