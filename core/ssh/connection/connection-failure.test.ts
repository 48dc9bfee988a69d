/** What the user is told when a connection fails, and which failures stop background retries. */
import { describe, expect, it } from 'vitest';
import type { ConnectionFailure } from '../../../shared';
import { HostKeyRejected } from '../types';
import {
  ConnectionFailed,
  JumpHostFailed,
  classifyConnectError,
  isHardStop,
} from './connection-failure';

const label = 'root@10.0.0.5:22';
function sshError(message: string, extra: { level?: string; code?: string }): Error {
  return Object.assign(new Error(message), extra);
}

describe('classifyConnectError', () => {
  it('names refused credentials as an auth problem with what to check', () => {
    const c = classifyConnectError(
      label,
      sshError('All configured authentication methods failed', { level: 'client-authentication' }),
    );
    expect(c.failure).toBe('auth');
    expect(c.reason).toMatch(
      /^root@10\.0\.0\.5:22: the node refused the credentials.*authorized_keys/,
    );
  });

  it('tells a refused port, a dead host and a missing name apart', () => {
    expect(
      classifyConnectError(
        label,
        sshError('connect ECONNREFUSED', { code: 'ECONNREFUSED', level: 'client-socket' }),
      ).reason,
    ).toMatch(/connection refused \(is sshd running/);
    expect(
      classifyConnectError(
        label,
        sshError('Timed out while waiting for handshake', { level: 'client-timeout' }),
      ),
    ).toEqual({
      failure: 'unreachable',
      reason: expect.stringMatching(/no SSH handshake within the time limit/),
    });
    expect(
      classifyConnectError(
        label,
        sshError('getaddrinfo ENOTFOUND gpu7', { code: 'ENOTFOUND', level: 'client-dns' }),
      ).reason,
    ).toMatch(/host name not found/);
  });

  it('keeps host-key verdicts as their own failure kinds', () => {
    const changed = new HostKeyRejected(
      '10.0.0.5',
      22,
      {
        kind: 'changed',
        algorithm: 'ssh-ed25519',
        fingerprint: 'SHA256:new',
        known: [{ fingerprint: 'SHA256:old', source: 'known_hosts:3' }],
      },
      Buffer.from('k'),
    );
    expect(classifyConnectError(label, changed)).toEqual({
      failure: 'host-key-changed',
      reason: expect.stringMatching(/CHANGED.*SHA256:new.*SHA256:old/),
    });
  });

  it('blames the jump host, naming it, when the hop before the node fails', () => {
    const c = classifyConnectError(
      label,
      new JumpHostFailed(
        'root@bastion:22',
        new ConnectionFailed('unreachable', 'root@bastion:22: no route to host'),
      ),
    );
    expect(c).toEqual({
      failure: 'jump',
      reason: 'root@10.0.0.5:22: cannot go through root@bastion:22: no route to host',
    });
  });

  it('stops retrying only where a retry cannot help', () => {
    const hard: ConnectionFailure[] = [
      'auth',
      'secret-needed',
      'host-key-changed',
      'host-key-unknown',
      'host-key-revoked',
    ];
    const transient: ConnectionFailure[] = ['unreachable', 'jump', 'other'];
    expect(hard.every(isHardStop)).toBe(true);
    expect(transient.some(isHardStop)).toBe(false);
  });
});
