/**
 * The nodes feature end to end in the core, against the real testbed: import its JSON, trust on
 * first use (only the exact fingerprint), preflight on every node, a regenerated host key as a
 * hard stop that needs an explicit accept naming the new fingerprint, and a cut link showing as
 * stale and recovering by itself — all through the contract, as the UI and CLI use it.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createClient,
  type ConnectionState,
  type NodeWithState,
  type RaydeckClient,
} from '../../shared';
import { createCore, type Core } from '../../core/api/create-core';
import { makeTempHome } from '../../core/testing/temp-home';
import { createMemoryTransport } from '../../core/transport/memory-transport';
import { fault, heal, testbedInfo } from '../support/testbed';

let home: { home: string; cleanup(): void };
let core: Core;
let client: RaydeckClient;
let clusterId: string;
let nodes: NodeWithState[];
const states = new Map<string, ConnectionState[]>();

const byName = (name: string) => nodes.find((n) => n.name === name)!;
async function waitFor(cond: () => boolean, ms: number, what: string) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  home = makeTempHome();
  core = createCore({
    home: home.home,
    mode: 'memory',
    userKnownHosts: [],
    ssh: {
      lingerMs: 0,
      keepaliveIntervalMs: 1000,
      keepaliveCountMax: 2,
      connectTimeoutMs: 5000,
      backoff: { initialMs: 200, maxMs: 2000, jitter: 0.5 },
    },
  });
  client = createClient(createMemoryTransport(core.service));
  client.subscribe('nodes.connection', ({ nodeId, connection }) =>
    states.set(nodeId, [...(states.get(nodeId) ?? []), connection]),
  );
  clusterId = (await client.call('clusters.create', { name: 'testbed' })).id;
  const result = await client.call('nodes.import', {
    clusterId,
    source: { kind: 'testbed-file', path: process.env.RAYDECK_TESTBED_JSON! },
  });
  expect(result.added.map((n) => n.name)).toEqual(['node1', 'node2', 'node3']);
  nodes = await client.call('nodes.list', { clusterId });
});
afterAll(() => {
  core?.dispose();
  home?.cleanup();
});

describe('nodes against the testbed', () => {
  it('refuses to connect to an unknown host key and shows its fingerprint; trusts only the exact one', async () => {
    const tb = testbedInfo();
    for (const node of nodes) {
      const state = await client.call('nodes.connect', { id: node.id });
      expect(state).toMatchObject({ state: 'failed', failure: 'host-key-unknown' });
      const presented = state.state === 'failed' ? state.presented?.fingerprint : undefined;
      expect(tb.nodes.find((n) => n.name === node.name)!.hostKeyFingerprints).toContain(presented);
      expect(node.vouchedFingerprints).toContain(presented);
      const info = await client.call('nodes.hostKey', { id: node.id });
      expect(info).toMatchObject({ status: 'unknown', fingerprint: presented });
      await expect(
        client.call('nodes.trust', { id: node.id, fingerprint: `SHA256:${'x'.repeat(43)}` }),
      ).rejects.toMatchObject({ code: 'conflict' });
      expect(
        await client.call('nodes.trust', { id: node.id, fingerprint: presented! }),
      ).toMatchObject({ status: 'trusted' });
      expect(await client.call('nodes.connect', { id: node.id })).toMatchObject({ state: 'ready' });
    }
    expect(fs.readFileSync(core.paths.knownHosts, 'utf8').trim().split('\n')).toHaveLength(3);
    const listed = await client.call('nodes.list', { clusterId });
    expect(listed.map((n) => n.connection.state)).toEqual(['ready', 'ready', 'ready']);
  });

  it('runs preflight on all three nodes as one operation', async () => {
    const { operationId } = await client.call('nodes.check', { clusterId });
    const op = await core.operations.wait(operationId);
    expect(op.state).toBe('succeeded');
    const results = await client.call('nodes.preflight', { clusterId });
    expect(results).toHaveLength(3);
    for (const r of results) {
      const ids = r.checks.map((c) => c.id);
      expect(ids, JSON.stringify(r.checks)).toEqual(
        expect.arrayContaining(['cpu', 'memory', 'disk', 'python', 'ray', 'ports']),
      );
      expect(r.gpus).toHaveLength(2);
      const failed = r.checks.filter((c) => c.status === 'fail');
      expect(failed, JSON.stringify(failed)).toEqual([]);
    }
    const worker = results.find((r) => r.nodeId === byName('node2').id)!;
    // Workers must reach the head's GCS port, not its SSH port.
    expect(worker.checks.find((c) => c.id === 'head')).toMatchObject({
      status: 'pass',
      detail: expect.stringMatching(
        new RegExp(`^${byName('node1').host.replace(/\./g, '\\.')}:6379 `),
      ),
    });
    expect(results[0]!.checks.find((c) => c.id === 'gpu-mix')?.status).toBe('pass');
    const logs = await client.call('operations.logs', { id: operationId, tail: 200 });
    expect(logs.some((l) => l.line.startsWith('node3: PASS'))).toBe(true);
  });

  it('stops hard on a regenerated host key; only an explicit accept of the new fingerprint connects', async () => {
    const node3 = byName('node3');
    core.access.drop(node3.id);
    fault('hostkey', 'node3');
    try {
      const state = await client.call('nodes.connect', { id: node3.id });
      expect(state).toMatchObject({ state: 'failed', failure: 'host-key-changed' });
      if (state.state !== 'failed') throw new Error('unreachable');
      expect(state.reason).toMatch(/CHANGED/);
      expect(state.known?.[0]?.fingerprint).toBe(node3.vouchedFingerprints[0]);
      const fresh = state.presented!.fingerprint;
      expect(fresh).not.toBe(node3.vouchedFingerprints[0]);
      // Reconnecting changes nothing without the user's accept.
      expect(await client.call('nodes.connect', { id: node3.id })).toMatchObject({
        state: 'failed',
        failure: 'host-key-changed',
      });
      expect(await client.call('nodes.trust', { id: node3.id, fingerprint: fresh })).toMatchObject({
        status: 'trusted',
      });
      expect(await client.call('nodes.connect', { id: node3.id })).toMatchObject({
        state: 'ready',
      });
    } finally {
      core.access.drop(node3.id);
      heal('hostkey', 'node3');
    }
    // The original key is back: to Raydeck that is a change again, until accepted.
    expect(await client.call('nodes.connect', { id: node3.id })).toMatchObject({
      state: 'failed',
      failure: 'host-key-changed',
    });
    await client.call('nodes.trust', { id: node3.id, fingerprint: node3.vouchedFingerprints[0]! });
    expect(await client.call('nodes.connect', { id: node3.id })).toMatchObject({ state: 'ready' });
  });

  it('marks a node with a cut link stale within the keepalive window and reconnects by itself', async () => {
    const node2 = byName('node2');
    expect(await client.call('nodes.connect', { id: node2.id })).toMatchObject({ state: 'ready' });
    states.set(node2.id, []);
    const cutAt = Date.now();
    fault('link', 'node2');
    let staleAfterMs: number;
    try {
      await waitFor(
        () => (states.get(node2.id) ?? []).some((s) => s.state === 'stale'),
        10_000,
        'stale',
      );
      staleAfterMs = Date.now() - cutAt;
      // The rest of the app keeps working meanwhile.
      const t0 = Date.now();
      expect(
        (await client.call('nodes.list', { clusterId })).find((n) => n.name === 'node1')!.connection
          .state,
      ).toBe('ready');
      expect(Date.now() - t0).toBeLessThan(500);
    } finally {
      heal('link', 'node2');
    }
    await waitFor(
      () => (states.get(node2.id) ?? []).at(-1)?.state === 'ready',
      20_000,
      'ready again',
    );
    console.log(
      `node2 stale ${staleAfterMs} ms after the cut (keepalive 1 s x 2); ready again ${Date.now() - cutAt} ms after the cut`,
    );
    expect(staleAfterMs).toBeLessThan(6000);
  });
});
