/**
 * The connection state machine against an in-process ssh2 server (no testbed needed): host keys
 * decided before any credential is sent, failures the user can act on, a dropped connection
 * coming back by itself, and leases that share one connection.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type Connection, Server, utils } from 'ssh2';
import type { ConnectionState } from '../../../shared';
import { HostKeyRejected, type SshTarget } from '../types';
import { SshConnectionPool } from './connection-pool';
import { ed25519KeyPair } from '../../testing/ssh-keys';
import { PinnedHostKeys, sha256Fingerprint } from './pinned-host-keys';

const hostKey = ed25519KeyPair();
const clientKey = ed25519KeyPair();
const hostBlob = (() => {
  const parsed = utils.parseKey(hostKey.public);
  if (parsed instanceof Error) throw parsed;
  return parsed.getPublicSSH();
})();

interface FakeNode {
  port: number;
  authAttempts: number;
  sessions: Connection[];
  acceptAuth: boolean;
  close(): Promise<void>;
}

async function startNode(): Promise<FakeNode> {
  const node: FakeNode = {
    port: 0,
    authAttempts: 0,
    sessions: [],
    acceptAuth: true,
    close: async () => undefined,
  };
  const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      node.authAttempts++;
      if (node.acceptAuth && ctx.method === 'publickey') ctx.accept();
      else ctx.reject(['publickey']);
    });
    client.on('ready', () => node.sessions.push(client));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  node.port = (server.address() as net.AddressInfo).port;
  node.close = () =>
    new Promise((resolve) => {
      for (const s of node.sessions) s.end();
      server.close(() => resolve());
    });
  return node;
}

const target = (port: number): SshTarget => ({
  host: '127.0.0.1',
  port,
  user: 'ml',
  auth: { kind: 'key', privateKey: Buffer.from(clientKey.private) },
});
const trusting = (port: number) =>
  new PinnedHostKeys([{ host: '127.0.0.1', port, fingerprints: [sha256Fingerprint(hostBlob)] }]);

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});
function newPool() {
  const pool = new SshConnectionPool({
    lingerMs: 0,
    keepaliveIntervalMs: 200,
    keepaliveCountMax: 2,
    connectTimeoutMs: 2000,
    backoff: { initialMs: 50, maxMs: 200, jitter: 0.5 },
  });
  cleanups.push(() => pool.closeAll());
  return pool;
}
async function node() {
  const n = await startNode();
  cleanups.push(() => n.close());
  return n;
}

describe('SharedConnection', () => {
  it('refuses an unknown host key before sending any credential', async () => {
    const n = await node();
    const conn = newPool().acquire(target(n.port), { verifier: new PinnedHostKeys([]) });
    const err = await conn.ready().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostKeyRejected);
    expect((err as HostKeyRejected).key.equals(hostBlob)).toBe(true);
    expect(conn.state()).toMatchObject({
      state: 'failed',
      failure: 'host-key-unknown',
      presented: { algorithm: 'ssh-ed25519', fingerprint: sha256Fingerprint(hostBlob) },
    });
    expect(n.authAttempts).toBe(0);
  });

  it('connects once the user trusts the key, on the next ready()', async () => {
    const n = await node();
    const verifier = new PinnedHostKeys([]);
    const conn = newPool().acquire(target(n.port), { verifier });
    const err = (await conn.ready().catch((e: unknown) => e)) as HostKeyRejected;
    await verifier.trust(err.host, err.port, err.key);
    await conn.ready();
    expect(conn.state().state).toBe('ready');
  });

  it('never connects when the verifier itself breaks', async () => {
    const n = await node();
    const broken = {
      check: () => {
        throw new Error('known_hosts unreadable');
      },
      trust: async () => undefined,
    };
    const conn = newPool().acquire(target(n.port), { verifier: broken });
    await expect(conn.ready()).rejects.toThrow(/cannot check the host key.*known_hosts unreadable/);
    expect(n.authAttempts).toBe(0);
  });

  it('reports refused credentials as an auth failure', async () => {
    const n = await node();
    n.acceptAuth = false;
    const conn = newPool().acquire(target(n.port), { verifier: trusting(n.port) });
    await expect(conn.ready()).rejects.toMatchObject({ failure: 'auth' });
    expect(conn.state()).toMatchObject({
      state: 'failed',
      failure: 'auth',
      reason: expect.stringMatching(/refused the credentials/),
    });
  });

  it('reports a closed port as unreachable', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const conn = newPool().acquire(target(port), { verifier: trusting(port) });
    await expect(conn.ready()).rejects.toMatchObject({ failure: 'unreachable' });
    expect(conn.state()).toMatchObject({
      state: 'failed',
      reason: expect.stringMatching(/connection refused/),
    });
  });

  it('goes stale when the node drops the connection and is ready again without any call', async () => {
    const n = await node();
    const conn = newPool().acquire(target(n.port), { verifier: trusting(n.port) });
    await conn.ready();
    const seen: ConnectionState[] = [];
    const back = new Promise<void>((resolve) =>
      conn.onState((s) => (seen.push(s), s.state === 'ready' && resolve())),
    );
    n.sessions[0]!.end();
    await back;
    expect(seen.map((s) => s.state)).toEqual(['stale', 'ready']);
    expect(seen[0]).toMatchObject({
      reason: expect.stringMatching(/the node closed the connection; reconnecting/),
    });
    expect(n.sessions).toHaveLength(2);
  });

  it('stops reconnecting and hard-fails when the key presented on reconnect has changed', async () => {
    const n = await node();
    let pinned = sha256Fingerprint(hostBlob);
    const verifier = {
      check: (host: string, port: number, key: Buffer) =>
        new PinnedHostKeys([{ host, port, fingerprints: [pinned] }]).check(host, port, key),
      trust: async () => undefined,
    };
    const conn = newPool().acquire(target(n.port), { verifier });
    await conn.ready();
    const failed = new Promise<ConnectionState>((resolve) =>
      conn.onState((s) => s.state === 'failed' && resolve(s)),
    );
    pinned = 'SHA256:somethingElseWasTrustedBefore';
    n.sessions[0]!.end();
    expect(await failed).toMatchObject({
      failure: 'host-key-changed',
      known: [{ fingerprint: 'SHA256:somethingElseWasTrustedBefore' }],
    });
    const authBefore = n.authAttempts;
    await new Promise((r) => setTimeout(r, 400)); // several backoff periods: no new attempt
    expect(n.authAttempts).toBe(authBefore);
    expect(conn.state().state).toBe('failed');
  });

  it('stops reconnecting once the last lease is released', async () => {
    const n = await node();
    const conn = newPool().acquire(target(n.port), { verifier: trusting(n.port) });
    await conn.ready();
    const stale = new Promise<void>((resolve) =>
      conn.onState((s) => s.state === 'stale' && resolve()),
    );
    await n.close();
    await stale;
    conn.release();
    const probe = net.createServer((socket) => socket.destroy());
    // Nothing may dial the old port again after release (it would be a background leak).
    let dialed = 0;
    probe.on('connection', () => dialed++);
    await new Promise<void>((r) => probe.listen(n.port, '127.0.0.1', r));
    await new Promise((r) => setTimeout(r, 500));
    await new Promise((r) => probe.close(r));
    expect(dialed).toBe(0);
  });

  it('shares one SSH connection between leases of the same user@host:port', async () => {
    const n = await node();
    const pool = newPool();
    const a = pool.acquire(target(n.port), { verifier: trusting(n.port) });
    const b = pool.acquire(target(n.port), { verifier: trusting(n.port) });
    await Promise.all([a.ready(), b.ready()]);
    expect(n.sessions).toHaveLength(1);
    a.release();
    expect(pool.connections()).toMatchObject([{ leases: 1, state: { state: 'ready' } }]);
    b.release();
    expect(pool.connections()).toEqual([]);
  });
});
