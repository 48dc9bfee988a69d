/**
 * The seams of the SSH layer, written down first so its parts can be built apart:
 * - host keys (host-keys/): what a server's key means — trusted, unknown, changed, revoked;
 * - connections (connection/): one multiplexed, ref-counted ssh2 connection per node;
 * - remote scripts (remote/scripts/*.sh and *.py uploaded and run with JSON on stdin);
 * - shells and tunnels for terminals and the Ray client.
 * Nothing here connects without a HostKeyVerifier saying "trusted".
 */
import type { Duplex } from 'node:stream';
import type { ConnectionState, Unsubscribe } from '../../shared';

/** Where to connect: one hop. `jump` is the previous hop (ProxyJump), verified on its own. */
export interface SshTarget {
  host: string;
  port: number;
  user: string;
  auth: ResolvedAuth;
  jump?: SshTarget;
}

/** Credentials ready to use (secrets resolved by the core, never stored in the inventory). */
export type ResolvedAuth =
  | { kind: 'agent'; socket: string }
  | { kind: 'key'; privateKey: Buffer; passphrase?: string }
  | { kind: 'password'; password: string };

/** What a host key presented by a server means. `fingerprint` is `SHA256:<base64, no padding>`. */
export type HostKeyVerdict =
  | { kind: 'trusted'; algorithm: string; fingerprint: string; source: string }
  | { kind: 'unknown'; algorithm: string; fingerprint: string }
  | {
      kind: 'changed';
      algorithm: string;
      fingerprint: string;
      known: { fingerprint: string; source: string }[];
    }
  | { kind: 'revoked'; algorithm: string; fingerprint: string; source: string };

export interface HostKeyVerifier {
  /** `key` is the raw public key blob the server sent (ssh wire format). */
  check(host: string, port: number, key: Buffer): HostKeyVerdict;
  /** Records `key` as trusted for host:port in Raydeck's own known_hosts. */
  trust(host: string, port: number, key: Buffer): Promise<void>;
  /** Key types already known for host:port (the handshake asks for these first). */
  knownAlgorithms?(host: string, port: number): string[];
}

/** A connect attempt refused because of the host key; carries the verdict for the UI. */
export class HostKeyRejected extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
    readonly verdict: Exclude<HostKeyVerdict, { kind: 'trusted' }>,
    /** The key blob presented, so a user's explicit "trust this fingerprint" can record it. */
    readonly key: Buffer,
  ) {
    super(
      verdict.kind === 'unknown'
        ? `The host key of ${host}:${port} is not known yet (${verdict.fingerprint}).`
        : verdict.kind === 'changed'
          ? `The host key of ${host}:${port} CHANGED: it is now ${verdict.fingerprint}, Raydeck trusted ${verdict.known.map((k) => k.fingerprint).join(', ')}. This can mean someone is intercepting the connection; Raydeck will not connect until you accept the new key explicitly.`
          : `The host key of ${host}:${port} (${verdict.fingerprint}) is marked @revoked in ${verdict.source}.`,
    );
    this.name = 'HostKeyRejected';
  }
}

/** Result of a remote script run. */
export interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Names of the scripts in remote/scripts (without .sh); only these can be run on a node. */
export type RemoteScriptName = string;

export interface RunScriptOptions {
  /** Sent as JSON on the script's stdin; never part of a command line. */
  input?: unknown;
  signal?: AbortSignal;
  /** Called per output line as it arrives (live logs). */
  onLine?: (line: string, stream: 'stdout' | 'stderr') => void;
  /** Bounded: at most this many bytes of stdout/stderr are kept in the result (default 1 MiB). */
  maxOutputBytes?: number;
}

export interface ShellOptions {
  cols: number;
  rows: number;
  term?: string;
}

export interface UploadFileOptions {
  mode?: number;
  /** Bytes sent so far of this file. */
  onProgress?(sent: number, total: number): void;
  signal?: AbortSignal;
}

/** An interactive shell channel (a Duplex with resize), for terminals. */
export interface ShellChannel extends Duplex {
  setWindow(rows: number, cols: number, height: number, width: number): void;
}

/** One node's live connection, shared by every user of the node (ref-counted by the pool). */
export interface NodeConnection {
  readonly key: string;
  state(): ConnectionState;
  onState(listener: (state: ConnectionState) => void): Unsubscribe;
  /** Resolves when ready (connecting first if needed); rejects with HostKeyRejected or a typed reason. */
  ready(): Promise<void>;
  runScript(name: RemoteScriptName, opts?: RunScriptOptions): Promise<ScriptResult>;
  upload(content: Buffer | string, remotePath: string, mode?: number): Promise<void>;
  /**
   * Streams a local file to the node over SFTP (parallel requests, never the whole file in
   * memory) under a temporary name, then renames it into place: a cut transfer leaves no
   * half file at `remotePath`.
   */
  uploadFile(localPath: string, remotePath: string, opts?: UploadFileOptions): Promise<void>;
  shell(opts: ShellOptions): Promise<ShellChannel>;
  /** A TCP stream to host:port as seen from the node (e.g. 127.0.0.1:8265 for the dashboard). */
  forwardOut(host: string, port: number): Promise<Duplex>;
  /** Drops this user's reference; the connection closes when the last one is released. */
  release(): void;
}
