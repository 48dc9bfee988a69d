/**
 * Test helper for CLI tests: an in-process ssh2 server standing in for a node's sshd — its own
 * host key, public-key logins with a client key written to a file, and TCP forwarding so it can
 * serve as another node's jump host. No shell or exec: enough to connect and trust, not to run steps.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import ssh2 from 'ssh2';
import { fingerprintOf } from '../ssh/host-keys';
import { ed25519KeyPair } from './ssh-keys';

// ssh2 is CommonJS: Node's ESM loader does not see `Server` / `utils` as named exports.
const { Server, utils } = ssh2;

export interface TestSshNode {
  port: number;
  fingerprint: string;
  /** Forwarded connections this node made for a client using it as a jump host. */
  forwards: number;
  close(): Promise<void>;
}

/** A client key pair; the private key is written to `dir/name` for a node's IdentityFile. */
export function writeClientKey(dir: string, name = 'id_test'): string {
  const key = ed25519KeyPair();
  const file = path.join(dir, name);
  fs.writeFileSync(file, key.private, { mode: 0o600 });
  return file;
}

export async function startSshNode(): Promise<TestSshNode> {
  const hostKey = ed25519KeyPair();
  const parsed = utils.parseKey(hostKey.public);
  if (parsed instanceof Error) throw parsed;
  const sessions = new Set<ssh2.Connection>();
  const sockets = new Set<net.Socket>();
  const node: TestSshNode = {
    port: 0,
    fingerprint: fingerprintOf(parsed.getPublicSSH()),
    forwards: 0,
    close: async () => undefined,
  };
  const server = new Server({ hostKeys: [hostKey.private] }, (client) => {
    sessions.add(client);
    client.on('error', () => undefined);
    client.on('close', () => sessions.delete(client));
    client.on('authentication', (ctx) =>
      ctx.method === 'publickey' ? ctx.accept() : ctx.reject(['publickey']),
    );
    client.on('tcpip', (accept, _reject, info) => {
      node.forwards += 1;
      const stream = accept();
      const sock = net.connect(info.destPort, info.destIP);
      sockets.add(sock);
      sock.on('error', () => stream.destroy());
      sock.on('close', () => sockets.delete(sock));
      stream.on('error', () => sock.destroy());
      stream.pipe(sock).pipe(stream);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  node.port = (server.address() as net.AddressInfo).port;
  node.close = () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      for (const c of sessions) c.end();
      server.close(() => resolve());
    });
  return node;
}
