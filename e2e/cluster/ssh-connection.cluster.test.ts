/**
 * Cluster tests of the SSH connection layer against the testbed's real sshd nodes: verified host
 * keys, refusal of unknown and changed keys before any session, ProxyJump through another node,
 * channel limits under load, and arguments that stay data however hostile they look.
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { HostKeyRejected, type NodeConnection, type SshTarget } from '../../core/ssh/types';
import { PinnedHostKeys, SshConnectionPool, scriptJson } from '../../core/ssh/connection';
import { fault, heal, testbedInfo, type TestbedNode } from '../support/testbed';

const info = testbedInfo();
const [node1, node2, node3] = info.nodes as [TestbedNode, TestbedNode, TestbedNode];

function targetOf(node: TestbedNode, jump?: SshTarget): SshTarget {
  const target: SshTarget = {
    host: node.host,
    port: node.port,
    user: node.user,
    auth: { kind: 'key', privateKey: fs.readFileSync(node.identityFile) },
  };
  if (jump) target.jump = jump;
  return target;
}
function testbedKeys(nodes = info.nodes): PinnedHostKeys {
  return new PinnedHostKeys(
    nodes.map((n) => ({ host: n.host, port: n.port, fingerprints: n.hostKeyFingerprints })),
    'testbed JSON',
  );
}
/** Logins the node's sshd accepted so far (its own log). */
function acceptedLogins(node: TestbedNode): number {
  const log = fs.readFileSync(`/var/lib/raydeck-testbed/nodes/${node.name}/sshd.log`, 'utf8');
  return log.split('\n').filter((l) => l.startsWith('Accepted publickey')).length;
}
async function echo(conn: NodeConnection, input: unknown): Promise<unknown> {
  return (
    scriptJson('echo-input', await conn.runScript('echo-input', { input })) as { input: unknown }
  ).input;
}

const pool = new SshConnectionPool({
  lingerMs: 0,
  keepaliveIntervalMs: 1000,
  keepaliveCountMax: 2,
  connectTimeoutMs: 5000,
});
afterAll(() => pool.closeAll());

describe('host keys', () => {
  it('connects when the node presents the fingerprint the testbed printed, and runs a script', async () => {
    const verifier = testbedKeys();
    const conn = pool.acquire(targetOf(node1), { verifier });
    const states: string[] = [];
    conn.onState((s) => states.push(s.state));
    await conn.ready();
    expect(conn.state().state).toBe('ready');
    expect(states).toEqual(['connecting', 'ready']);
    expect(verifier.checks).toEqual([{ host: node1.host, port: node1.port, verdict: 'trusted' }]);
    expect(await echo(conn, { hello: 'node1' })).toEqual({ hello: 'node1' });
    conn.release();
  });

  it('refuses a node whose key is not known, before logging in (no session opened)', async () => {
    const before = acceptedLogins(node2);
    const conn = pool.acquire(targetOf(node2), { verifier: testbedKeys([node1]) });
    const err = await conn.ready().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HostKeyRejected);
    const rejected = err as HostKeyRejected;
    expect(rejected.verdict.kind).toBe('unknown');
    expect(rejected.verdict.fingerprint).toBe(node2.hostKeyFingerprints[0]);
    expect(rejected.key.length).toBeGreaterThan(0);
    const state = conn.state();
    expect(state).toMatchObject({
      state: 'failed',
      failure: 'host-key-unknown',
      presented: { algorithm: 'ssh-ed25519', fingerprint: node2.hostKeyFingerprints[0] },
    });
    expect(acceptedLogins(node2)).toBe(before);
    await expect(conn.runScript('echo-input', { input: 1 })).rejects.toBeInstanceOf(
      HostKeyRejected,
    );
    expect(acceptedLogins(node2)).toBe(before);
    conn.release();
  });

  it('hard-stops on a changed host key (testbed hostkey fault) and says what was trusted', async () => {
    fault('hostkey', node3.name);
    try {
      const before = acceptedLogins(node3);
      const conn = pool.acquire(targetOf(node3), { verifier: testbedKeys() });
      const err = await conn.ready().then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(HostKeyRejected);
      expect((err as HostKeyRejected).message).toMatch(/CHANGED/);
      expect(conn.state()).toMatchObject({
        state: 'failed',
        failure: 'host-key-changed',
        known: [{ fingerprint: node3.hostKeyFingerprints[0] }],
      });
      expect(acceptedLogins(node3)).toBe(before);
      conn.release();
    } finally {
      heal('hostkey', node3.name);
    }
  });
});

describe('jump hosts', () => {
  it('reaches node2 through node1, verifying each hop against its own key', async () => {
    const verifier = testbedKeys();
    const conn = pool.acquire(targetOf(node2, targetOf(node1)), { verifier });
    expect(conn.key).toBe(`root@${node2.host}:22 via root@${node1.host}:22`);
    await conn.ready();
    expect(verifier.checks.map((c) => `${c.host}:${c.verdict}`)).toEqual([
      `${node1.host}:trusted`,
      `${node2.host}:trusted`,
    ]);
    const stat = scriptJson(
      'stat-paths',
      await conn.runScript('stat-paths', { input: { paths: ['/etc/hostname'] } }),
    );
    expect(stat).toMatchObject({ paths: { '/etc/hostname': { exists: true } } });
    conn.release();
  });

  it('refuses the target when only the jump host is known', async () => {
    const conn = pool.acquire(targetOf(node2, targetOf(node1)), { verifier: testbedKeys([node1]) });
    const err = await conn.ready().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HostKeyRejected);
    expect((err as HostKeyRejected).host).toBe(node2.host);
    conn.release();
  });
});

describe('remote scripts', () => {
  it('runs 20 scripts at once on one connection, never more than 8 channels open', async () => {
    const conn = pool.acquire(targetOf(node1), { verifier: testbedKeys() });
    const inputs = Array.from({ length: 20 }, (_, i) => ({ call: i }));
    const outputs = await Promise.all(inputs.map((input) => echo(conn, input)));
    expect(outputs).toEqual(inputs);
    const info = pool.connections().find((c) => c.key === conn.key)!;
    expect(info.channels.peak).toBeLessThanOrEqual(8);
    expect(info.channels.peak).toBeGreaterThan(1);
    conn.release();
  });

  it('passes hostile arguments as data: they come back byte for byte and nothing runs', async () => {
    const conn = pool.acquire(targetOf(node1), { verifier: testbedKeys() });
    const hostile = {
      quote: "it's",
      double: 'say "hi"',
      subshell: '$(touch /tmp/pwned)',
      backticks: '`touch /tmp/pwned-backtick`',
      chain: '; touch /tmp/pwned-semicolon; echo',
      newline: 'line1\ntouch /tmp/pwned-newline\n',
      dash: '-rf /',
      unicode: 'GPU ✓ 東京 🚀 \u0000 \u202e',
      [`key $(touch /tmp/pwned-key)`]: ["'; touch /tmp/pwned-array #"],
    };
    expect(await echo(conn, hostile)).toEqual(hostile);
    expect(await echo(conn, '-e')).toBe('-e');
    const markers = [
      '/tmp/pwned',
      '/tmp/pwned-backtick',
      '/tmp/pwned-semicolon',
      '/tmp/pwned-newline',
      '/tmp/pwned-key',
      '/tmp/pwned-array',
    ];
    const seen = scriptJson(
      'stat-paths',
      await conn.runScript('stat-paths', { input: { paths: markers } }),
    ) as { paths: Record<string, { exists: boolean }> };
    expect(Object.keys(seen.paths).sort()).toEqual([...markers].sort());
    expect(Object.values(seen.paths).every((p) => !p.exists)).toBe(true);
    conn.release();
  });

  it('refuses to run anything that is not one of remote/scripts', async () => {
    const conn = pool.acquire(targetOf(node1), { verifier: testbedKeys() });
    await expect(conn.runScript('../../bin/sh')).rejects.toThrow(
      /not one of Raydeck's remote scripts/,
    );
    await expect(conn.runScript('echo-input; touch /tmp/pwned')).rejects.toThrow(
      /not one of Raydeck's remote scripts/,
    );
    conn.release();
  });
});
