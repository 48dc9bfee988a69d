/**
 * Why a connect attempt failed, in the words the UI shows: every error from ssh2, the socket or
 * a jump host becomes one `ConnectionFailure` kind plus a sentence naming the node and what to
 * check. Host-key and credential failures are hard stops (retrying cannot fix them); the rest
 * are worth retrying in the background.
 */
import type { ConnectionFailure } from '../../../shared';
import { HostKeyRejected } from '../types';

/** A connect attempt that failed for a known reason; `ready()` rejects with this (or HostKeyRejected). */
export class ConnectionFailed extends Error {
  constructor(
    readonly failure: ConnectionFailure,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'ConnectionFailed';
  }
}

/** The jump host of a target could not be used; `cause` is the jump's own failure. */
export class JumpHostFailed extends Error {
  constructor(
    readonly jump: string,
    override readonly cause: unknown,
  ) {
    super(`jump host ${jump}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'JumpHostFailed';
  }
}

export interface ClassifiedFailure {
  failure: ConnectionFailure;
  reason: string;
}

interface SshError extends Error {
  level?: string;
  code?: string;
}

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is sshd running on that port?)',
  ECONNRESET: 'connection reset by the node',
  EHOSTUNREACH: 'no route to host (is the node up and on this network?)',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'timed out (is the node up, or is a firewall dropping the connection?)',
  ENOTFOUND: 'host name not found (check the spelling or your DNS)',
  EAI_AGAIN: 'host name lookup failed for now (DNS)',
  EPIPE: 'connection closed by the node',
};

/** Maps any connect error for `label` (user@host:port) to a failure kind and a readable reason. */
export function classifyConnectError(label: string, err: unknown): ClassifiedFailure {
  if (err instanceof HostKeyRejected) {
    return { failure: `host-key-${err.verdict.kind}`, reason: err.message };
  }
  if (err instanceof ConnectionFailed) return { failure: err.failure, reason: err.message };
  if (err instanceof JumpHostFailed) {
    const inner = classifyConnectError(err.jump, err.cause);
    return {
      failure: 'jump',
      reason: `${label}: cannot go through ${inner.reason.startsWith(err.jump) ? inner.reason : `${err.jump}: ${inner.reason}`}`,
    };
  }
  const e = (err instanceof Error ? err : new Error(String(err))) as SshError;
  const code = e.code ?? '';
  if (e.level === 'client-authentication') {
    return {
      failure: 'auth',
      reason: `${label}: the node refused the credentials (${e.message.replace(/^All configured authentication methods failed$/, 'all authentication methods failed')}). Check the user name and that the key is in ~/.ssh/authorized_keys.`,
    };
  }
  if (e.level === 'agent')
    return { failure: 'auth', reason: `${label}: the SSH agent failed (${e.message}).` };
  if (/encrypted private key|passphrase/i.test(e.message))
    return {
      failure: 'secret-needed',
      reason: `${label}: the private key needs a passphrase (${e.message}).`,
    };
  if (/Cannot parse privateKey|Unsupported key format/i.test(e.message))
    return { failure: 'auth', reason: `${label}: the private key cannot be read (${e.message}).` };
  if (NETWORK_CODES[code])
    return { failure: 'unreachable', reason: `${label}: ${NETWORK_CODES[code]}` };
  if (e.level === 'client-timeout' && /handshake/i.test(e.message)) {
    return {
      failure: 'unreachable',
      reason: `${label}: no SSH handshake within the time limit (is the node up, is port reachable?)`,
    };
  }
  if (e.level === 'client-timeout')
    return { failure: 'unreachable', reason: `${label}: the node stopped answering keepalives` };
  if (e.level === 'client-dns')
    return { failure: 'unreachable', reason: `${label}: host name not found (${e.message})` };
  if (e.level === 'client-socket')
    return { failure: 'unreachable', reason: `${label}: network error (${e.message})` };
  if (/Connection refused|open failed|administratively prohibited/i.test(e.message)) {
    return {
      failure: 'unreachable',
      reason: `${label}: the TCP connection was refused (${e.message})`,
    };
  }
  return { failure: 'other', reason: `${label}: ${e.message}` };
}

/** Failures a background retry cannot fix: stop and tell the user. */
export function isHardStop(failure: ConnectionFailure): boolean {
  return failure === 'auth' || failure === 'secret-needed' || failure.startsWith('host-key-');
}
