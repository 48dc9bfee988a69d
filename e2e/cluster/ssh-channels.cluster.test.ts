/**
 * Cluster tests of what rides on one node connection besides scripts: shared leases and the
 * linger before closing, TCP tunnels (forwardOut, as used for Ray's dashboard), interactive
 * shells, uploads, live output lines, and cancelling a running script (the remote process ends).
 */
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { SshTarget } from '../../core/ssh/types';
import { PinnedHostKeys, SshConnectionPool, scriptJson } from '../../core/ssh/connection';
import { testbedInfo, type TestbedNode } from '../support/testbed';

const info = testbedInfo();
const node = info.nodes[0] as TestbedNode;
const verifier = new PinnedHostKeys(
  info.nodes.map((n) => ({ host: n.host, port: n.port, fingerprints: n.hostKeyFingerprints })),
);
const target: SshTarget = {
  host: node.host,
  port: node.port,
  user: node.user,
  auth: { kind: 'key', privateKey: fs.readFileSync(node.identityFile) },
};
const pool = new SshConnectionPool({ lingerMs: 300, connectTimeoutMs: 5000 });
afterAll(() => pool.closeAll());

/** The processes of the node-side process group running a script (the nodes' PID namespaces are children of ours). */
function scriptProcessGroup(scriptName: string): number[] {
  const stat = (pid: string) => {
    try {
      return fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      return null;
    }
  };
  const pids = fs.readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  const leader = pids.find((p) => {
    try {
      return fs
        .readFileSync(`/proc/${p}/cmdline`, 'utf8')
        .includes(`/.raydeck/scripts/${scriptName}-`);
    } catch {
      return false;
    }
  });
  if (!leader) return [];
  const groupOf = (s: string | null) =>
    s ? s.slice(s.lastIndexOf(')') + 2).split(' ')[2] : undefined; // field 5: pgrp
  const group = groupOf(stat(leader));
  return pids.filter((p) => groupOf(stat(p)) === group).map(Number);
}
const alive = (pid: number) => fs.existsSync(`/proc/${pid}`);

describe('one connection, many users', () => {
  it('shares one connection between leases and closes it a linger after the last release', async () => {
    const a = pool.acquire(target, { verifier });
    const b = pool.acquire(target, { verifier });
    await a.ready();
    expect(b.state().state).toBe('ready');
    expect(pool.connections()).toMatchObject([{ key: `root@${node.host}:22`, leases: 2 }]);
    a.release();
    a.release(); // twice is harmless and does not drop b's reference
    await expect(a.runScript('echo-input', { input: 1 })).rejects.toThrow(/released/);
    expect(
      scriptJson('echo-input', await b.runScript('echo-input', { input: 'still here' })),
    ).toEqual({ input: 'still here' });
    b.release();
    expect(pool.connections()).toHaveLength(1); // lingering
    const again = pool.acquire(target, { verifier }); // picked up within the linger: no reconnect
    expect(again.state().state).toBe('ready');
    again.release();
    await new Promise((r) => setTimeout(r, 500));
    expect(pool.connections()).toHaveLength(0);
  });
});

describe('channels', () => {
  it('tunnels TCP to a port on the node (forwardOut), as for the Ray dashboard', async () => {
    const conn = pool.acquire(target, { verifier });
    const stream = await conn.forwardOut('127.0.0.1', 22);
    const banner = await new Promise<string>((resolve, reject) => {
      stream.once('data', (d: Buffer) => resolve(d.toString()));
      stream.once('error', reject);
    });
    expect(banner).toMatch(/^SSH-2\.0-OpenSSH/);
    stream.destroy();
    conn.release();
  });

  it('opens an interactive shell on the node', async () => {
    const conn = pool.acquire(target, { verifier });
    const shell = await conn.shell({ cols: 80, rows: 24 });
    let output = '';
    shell.on('data', (d: Buffer) => (output += d.toString()));
    const closed = new Promise((r) => shell.once('close', r));
    shell.write('echo "shell on $(hostname)"; exit\n');
    await closed;
    expect(output).toContain(`shell on ${node.name}`);
    conn.release();
  });

  it('uploads a file under the home folder with the requested mode', async () => {
    const conn = pool.acquire(target, { verifier });
    await conn.upload('{"cluster":"demo"}\n', '~/.raydeck/upload-test.json', 0o600);
    const seen = scriptJson(
      'stat-paths',
      await conn.runScript('stat-paths', { input: { paths: ['~/.raydeck/upload-test.json'] } }),
    );
    expect(seen).toEqual({
      paths: { '~/.raydeck/upload-test.json': { exists: true, type: 'file', size: 19 } },
    });
    conn.release();
  });

  it('streams output lines live and cancelling stops the script on the node', async () => {
    const conn = pool.acquire(target, { verifier });
    const controller = new AbortController();
    const lines: string[] = [];
    let group: number[] = [];
    // Port 9 (discard) is closed on the node: the script waits, printing a line per second.
    const run = conn.runScript('wait-for-port', {
      input: { port: 9, timeoutS: 60 },
      signal: controller.signal,
      onLine: (line) => {
        lines.push(line);
        if (lines.length === 2) {
          group = scriptProcessGroup('wait-for-port');
          controller.abort();
        }
      },
    });
    await expect(run).rejects.toThrow(/cancel|abort/i);
    expect(lines.map((l) => (JSON.parse(l) as { kind: string }).kind)).toEqual([
      'waiting',
      'waiting',
    ]);
    expect(group.length).toBeGreaterThanOrEqual(2); // the script's bash and its python
    // Gone within 0.6 s: ended by the script's watchdog, not by a later write into the closed pipe
    // (the script writes once a second).
    for (let i = 0; i < 30 && group.some(alive); i++) await new Promise((r) => setTimeout(r, 20));
    expect(group.filter(alive)).toEqual([]);
    conn.release();
  });
});
