/**
 * Opens one verified ssh2 `Client` to one hop. The host key is checked by the HostKeyVerifier
 * inside ssh2's handshake (`hostVerifier`, with `hostHash` unset so it sees the raw key blob);
 * anything but `trusted` aborts the handshake before authentication, so no credentials are sent
 * and no session is opened, and the attempt rejects with `HostKeyRejected`. There is no option
 * to skip verification: ssh2 accepts every key when no verifier is given.
 */
import type { Readable } from 'node:stream';
import { Client, type ConnectConfig } from 'ssh2';
import { HostKeyRejected, type HostKeyVerifier, type SshTarget } from '../types';

export interface ClientTimings {
  /** SSH keepalive period (ms); the connection counts as lost after `keepaliveCountMax` unanswered. */
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  /** Time allowed for TCP connect + handshake + authentication (ms). */
  connectTimeoutMs: number;
}

/** Connects to `target` (through `sock` when a jump host supplies the stream); resolves when authenticated. */
export function openClient(
  target: SshTarget,
  verifier: HostKeyVerifier,
  timings: ClientTimings,
  sock?: Readable,
): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let rejectedKey: HostKeyRejected | undefined;
    let verifierError: Error | undefined;
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      client.removeAllListeners('ready');
      client.end();
      reject(rejectedKey ?? verifierError ?? err);
    };
    client.once('ready', () => {
      if (settled) return;
      settled = true;
      client.removeListener('error', fail);
      client.removeListener('close', onEarlyClose);
      resolve(client);
    });
    const onEarlyClose = () => fail(new Error('the connection closed during the SSH handshake'));
    client.on('error', fail);
    client.once('close', onEarlyClose);

    const config: ConnectConfig = {
      host: target.host,
      port: target.port,
      username: target.user,
      readyTimeout: timings.connectTimeoutMs,
      keepaliveInterval: timings.keepaliveIntervalMs,
      keepaliveCountMax: timings.keepaliveCountMax,
      tryKeyboard: false,
      hostVerifier: (key: Buffer): boolean => {
        try {
          const verdict = verifier.check(target.host, target.port, key);
          if (verdict.kind === 'trusted') return true;
          rejectedKey = new HostKeyRejected(target.host, target.port, verdict, Buffer.from(key));
        } catch (err) {
          verifierError = new Error(
            `cannot check the host key of ${target.host}:${target.port}: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
        return false;
      },
    };
    if (sock) config.sock = sock;
    // Ask an honest server for the key type already known (as OpenSSH orders HostKeyAlgorithms),
    // so a host known by its RSA key is not refused for presenting ed25519 first.
    const preferred = hostKeyAlgorithmsFor(
      verifier.knownAlgorithms?.(target.host, target.port) ?? [],
    );
    if (preferred.length > 0)
      config.algorithms = {
        serverHostKey: [
          ...preferred,
          ...DEFAULT_HOST_KEY_ALGORITHMS.filter((a) => !preferred.includes(a)),
        ] as never,
      };
    switch (target.auth.kind) {
      case 'agent':
        config.agent = target.auth.socket;
        break;
      case 'key':
        config.privateKey = target.auth.privateKey;
        if (target.auth.passphrase !== undefined) config.passphrase = target.auth.passphrase;
        break;
      case 'password':
        config.password = target.auth.password;
        break;
    }
    try {
      client.connect(config);
    } catch (err) {
      fail(err instanceof Error ? err : new Error(String(err)));
    }
  });
}

/** ssh2's default host-key algorithms, in its order (its `prepend` never reorders existing ones). */
const DEFAULT_HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
];

/** known_hosts key types -> the host-key algorithms that present them, best first. */
export function hostKeyAlgorithmsFor(keyTypes: string[]): string[] {
  const out: string[] = [];
  for (const t of keyTypes) {
    const algos = t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t];
    for (const a of algos) if (!out.includes(a)) out.push(a);
  }
  return out;
}
