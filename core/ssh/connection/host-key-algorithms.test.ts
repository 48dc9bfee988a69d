/**
 * A server with two host keys (ed25519 and ECDSA) whose ECDSA key is the one known: the handshake
 * asks for the known type first, so an honest server is trusted instead of refused as "changed";
 * without the preference the client would be shown the ed25519 key and stop.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Server, utils } from 'ssh2';
import { HostKeyRejected, type HostKeyVerdict, type HostKeyVerifier } from '../types';
import { hostKeyAlgorithmsFor, openClient } from './open-client';
import { ed25519KeyPair } from '../../testing/ssh-keys';
import { sha256Fingerprint } from './pinned-host-keys';

const ed = ed25519KeyPair();
const ecdsa = utils.generateKeyPairSync('ecdsa', { bits: 256 });
const client = ed25519KeyPair();
const blob = (pub: string) => {
  const k = utils.parseKey(pub);
  if (k instanceof Error) throw k;
  return k.getPublicSSH();
};
const knownFp = sha256Fingerprint(blob(ecdsa.public));

let server: Server | null = null;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function listen(): Promise<number> {
  server = new Server({ hostKeys: [ed.private, ecdsa.private] }, (c) => {
    c.on('error', () => undefined);
    c.on('authentication', (ctx) =>
      ctx.method === 'publickey' ? ctx.accept() : ctx.reject(['publickey']),
    );
    c.on('ready', () => c.end());
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return (server!.address() as net.AddressInfo).port;
}

function verifier(withPreference: boolean): HostKeyVerifier {
  return {
    check: (_h, _p, key): HostKeyVerdict => {
      const fingerprint = sha256Fingerprint(key);
      return fingerprint === knownFp
        ? { kind: 'trusted', algorithm: 'ecdsa-sha2-nistp256', fingerprint, source: 'test' }
        : {
            kind: 'changed',
            algorithm: 'other',
            fingerprint,
            known: [{ fingerprint: knownFp, source: 'test' }],
          };
    },
    trust: async () => undefined,
    ...(withPreference ? { knownAlgorithms: () => ['ecdsa-sha2-nistp256'] } : {}),
  };
}

const timings = { keepaliveIntervalMs: 0, keepaliveCountMax: 3, connectTimeoutMs: 3000 };
const target = (port: number) => ({
  host: '127.0.0.1',
  port,
  user: 'u',
  auth: { kind: 'key' as const, privateKey: Buffer.from(client.private) },
});

describe('host-key algorithm preference', () => {
  it('asks for the known key type first and connects', async () => {
    const port = await listen();
    const c = await openClient(target(port), verifier(true), timings);
    c.end();
  });

  it('without it, the server shows its ed25519 key and the connection stops as changed', async () => {
    const port = await listen();
    const err = await openClient(target(port), verifier(false), timings).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HostKeyRejected);
  });

  it('maps known_hosts key types to handshake algorithms (RSA keys via rsa-sha2-*)', () => {
    expect(hostKeyAlgorithmsFor(['ssh-rsa', 'ssh-ed25519', 'ssh-rsa'])).toEqual([
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
      'ssh-ed25519',
    ]);
  });
});
