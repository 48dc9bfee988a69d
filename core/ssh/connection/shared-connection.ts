/**
 * The one live SSH connection to a node, shared by every user of that node through leases
 * (see connection-pool.ts). It owns its ssh2 client, timers and channel slots:
 * - connects on first `ready()`; a failure is reported as `failed` with a readable reason;
 * - keepalives detect a dead link; the state turns `stale` and it reconnects in the background
 *   with bounded, jittered backoff until the node answers again (back to `ready`, no user
 *   action), or until a retry cannot help (host key, credentials): then `failed`;
 * - every channel (exec, sftp, shell, forwardOut) holds a slot, keeping below sshd's MaxSessions;
 * - a jump host is a lease on the jump's own shared connection (verified on its own), and the
 *   target's SSH session runs over a `forwardOut` stream of it.
 */
import path from 'node:path';
import type { Duplex } from 'node:stream';
import type { Client, ClientChannel, SFTPWrapper } from 'ssh2';
import type { ConnectionState } from '../../../shared';
import {
  HostKeyRejected,
  type HostKeyVerifier,
  type NodeConnection,
  type RunScriptOptions,
  type ScriptResult,
  type ShellChannel,
  type ShellOptions,
  type SshTarget,
  type UploadFileOptions,
} from '../types';
import { type BackoffPolicy, reconnectDelayMs } from './backoff';
import { ChannelSlots, abortReason } from './channel-slots';
import {
  ConnectionFailed,
  JumpHostFailed,
  classifyConnectError,
  isHardStop,
} from './connection-failure';
import { type ClientTimings, openClient } from './open-client';
import {
  type ChannelOpener,
  type RemoteScriptCatalog,
  ScriptInstaller,
  ensureDir,
  ensureDirs,
  execScript,
  homePath,
  putFileAtomic,
  writeRemoteFile,
} from './remote-scripts';

/** Tuning of every connection of a pool. */
export interface ConnectionSettings extends ClientTimings {
  /** How long a connection stays open after its last lease is released (ms). */
  lingerMs: number;
  /** Channels open at once per connection (sshd's default MaxSessions is 10). */
  maxChannels: number;
  backoff: BackoffPolicy;
}

/** What a connection needs from whoever asks for it. */
export interface ConnectionDeps {
  /** Decides about every host key presented; nothing connects without it saying `trusted`. */
  verifier: HostKeyVerifier;
}

/** What a connection needs from its pool: leases on other connections (jump hosts), scripts. */
export interface ConnectionHub {
  acquire(target: SshTarget, deps: ConnectionDeps): NodeConnection;
  readonly scripts: RemoteScriptCatalog;
  readonly settings: ConnectionSettings;
}

/** `user@host:port` for one hop. */
export function hopLabel(target: SshTarget): string {
  return `${target.user}@${target.host}:${target.port}`;
}

/** The pool key: the hop, then its jump chain (`root@b:22 via root@a:22`). */
export function connectionKey(target: SshTarget): string {
  return target.jump ? `${hopLabel(target)} via ${connectionKey(target.jump)}` : hopLabel(target);
}

type Waiter = { resolve: () => void; reject: (err: Error) => void };

export class SharedConnection implements ChannelOpener {
  readonly key: string;
  readonly label: string;
  readonly slots: ChannelSlots;
  private current: ConnectionState = { state: 'idle' };
  private readonly listeners = new Set<(state: ConnectionState) => void>();
  private client: Client | null = null;
  private installer: ScriptInstaller | null = null;
  private connecting: Promise<void> | null = null;
  private waiters: Waiter[] = [];
  private retryTimer: NodeJS.Timeout | null = null;
  private retries = 0;
  private lostReason = '';
  private lastClientError: (Error & { level?: string }) | null = null;
  private jumpLease: NodeConnection | null = null;
  private disposed = false;

  constructor(
    readonly target: SshTarget,
    private readonly deps: ConnectionDeps,
    private readonly hub: ConnectionHub,
  ) {
    this.key = connectionKey(target);
    this.label = hopLabel(target);
    this.slots = new ChannelSlots(hub.settings.maxChannels);
  }

  state(): ConnectionState {
    return this.current;
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  ready(): Promise<void> {
    if (this.disposed)
      return Promise.reject(
        new ConnectionFailed('other', `${this.label}: the connection was closed.`),
      );
    if (this.current.state === 'ready' && this.client) return Promise.resolve();
    const waiting = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (this.current.state === 'idle' || this.current.state === 'failed') this.connectNow();
    return waiting;
  }

  // ---- channels -------------------------------------------------------------------------------

  exec(command: string, signal?: AbortSignal): Promise<ClientChannel> {
    return this.openChannel<ClientChannel>(signal, (client, cb) => client.exec(command, cb));
  }

  sftp(signal?: AbortSignal): Promise<SFTPWrapper> {
    return this.openChannel<SFTPWrapper>(signal, (client, cb) => client.sftp(cb));
  }

  shell(opts: ShellOptions): Promise<ShellChannel> {
    return this.openChannel<ClientChannel>(undefined, (client, cb) =>
      client.shell({ cols: opts.cols, rows: opts.rows, term: opts.term ?? 'xterm-256color' }, cb),
    );
  }

  forwardOut(host: string, port: number): Promise<Duplex> {
    return this.openChannel<ClientChannel>(undefined, (client, cb) =>
      client.forwardOut('127.0.0.1', 0, host, port, cb),
    );
  }

  async runScript(name: string, opts: RunScriptOptions = {}): Promise<ScriptResult> {
    const script = this.hub.scripts.get(name);
    await this.readyOrAbort(opts.signal);
    const installer = this.installer ?? (this.installer = new ScriptInstaller(this));
    const scriptPath = await installer.install(script, opts.signal);
    return execScript(this, scriptPath, opts);
  }

  async upload(content: Buffer | string, remotePath: string, mode = 0o600): Promise<void> {
    const sftp = await this.sftp();
    try {
      const target = await homePath(sftp, remotePath);
      await ensureDir(sftp, path.posix.dirname(target), 0o700);
      await writeRemoteFile(
        sftp,
        target,
        Buffer.isBuffer(content) ? content : Buffer.from(content),
        mode,
      );
    } finally {
      sftp.end();
    }
  }

  async uploadFile(
    localPath: string,
    remotePath: string,
    opts: UploadFileOptions = {},
  ): Promise<void> {
    const sftp = await this.sftp(opts.signal);
    const onAbort = () => sftp.end();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const target = await homePath(sftp, remotePath);
      await ensureDirs(sftp, path.posix.dirname(target), 0o755);
      await putFileAtomic(sftp, localPath, target, opts.mode ?? 0o600, opts.onProgress);
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
      sftp.end();
    }
  }

  private async openChannel<T extends NodeJS.EventEmitter>(
    signal: AbortSignal | undefined,
    open: (client: Client, cb: (err: Error | undefined, channel: T) => void) => void,
  ): Promise<T> {
    const release = await this.slots.take(signal);
    try {
      await this.readyOrAbort(signal);
      const client = this.client;
      if (!client) throw new ConnectionFailed('other', `${this.label}: the connection was lost.`);
      const channel = await new Promise<T>((resolve, reject) => {
        try {
          open(client, (err, ch) => (err ? reject(err) : resolve(ch)));
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
      channel.once('close', release);
      return channel;
    } catch (err) {
      release();
      throw err;
    }
  }

  private readyOrAbort(signal?: AbortSignal): Promise<void> {
    if (!signal) return this.ready();
    if (signal.aborted) return Promise.reject(abortReason(signal));
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(abortReason(signal));
      signal.addEventListener('abort', onAbort, { once: true });
      this.ready()
        .then(resolve, reject)
        .finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  // ---- connecting -----------------------------------------------------------------------------

  private connectNow(): void {
    if (this.connecting) return;
    this.setState({ state: 'connecting', since: now(), attempt: 1 });
    // `connecting` is cleared before anyone hears the outcome, so a waiter may retry at once.
    this.connecting = this.openOnce().then(
      (client) => {
        this.connecting = null;
        this.adopt(client);
      },
      (err: unknown) => {
        this.connecting = null;
        this.fail(err);
      },
    );
  }

  private async openOnce(): Promise<Client> {
    let sock: Duplex | undefined;
    if (this.target.jump) {
      const jump = (this.jumpLease ??= this.hub.acquire(this.target.jump, this.deps));
      try {
        await jump.ready();
      } catch (err) {
        throw new JumpHostFailed(hopLabel(this.target.jump), err);
      }
      try {
        sock = await jump.forwardOut(this.target.host, this.target.port);
      } catch (err) {
        throw new ConnectionFailed(
          'unreachable',
          `${this.label}: the jump host ${hopLabel(this.target.jump)} cannot open a TCP connection to it (${err instanceof Error ? err.message : String(err)}).`,
          err,
        );
      }
    }
    let client: Client;
    try {
      client = await openClient(this.target, this.deps.verifier, this.hub.settings, sock);
    } catch (err) {
      sock?.destroy();
      throw err;
    }
    if (this.disposed) {
      client.end();
      throw new ConnectionFailed('other', `${this.label}: the connection was closed.`);
    }
    return client;
  }

  private adopt(client: Client): void {
    this.client = client;
    this.installer = null; // a new connection re-checks which scripts are on the node
    this.retries = 0;
    this.lastClientError = null;
    client.on('error', (err: Error) => (this.lastClientError = err));
    client.on('close', () => this.lost(client));
    this.setState({ state: 'ready', since: now() });
    for (const waiter of this.takeWaiters()) waiter.resolve();
  }

  private fail(err: unknown): void {
    const { failure, reason } = classifyConnectError(this.label, err);
    const state: ConnectionState = { state: 'failed', since: now(), failure, reason };
    if (err instanceof HostKeyRejected) {
      state.presented = { algorithm: err.verdict.algorithm, fingerprint: err.verdict.fingerprint };
      if (err.verdict.kind === 'changed') state.known = err.verdict.known;
    }
    this.setState(state);
    const rejection =
      err instanceof HostKeyRejected ? err : new ConnectionFailed(failure, reason, err);
    for (const waiter of this.takeWaiters()) waiter.reject(rejection);
  }

  private lost(client: Client): void {
    if (this.client !== client) return;
    this.client = null;
    this.installer = null;
    if (this.disposed) return;
    const { keepaliveIntervalMs, keepaliveCountMax } = this.hub.settings;
    const err = this.lastClientError;
    this.lostReason =
      err?.level === 'client-timeout'
        ? `no answer to keepalives for ${((keepaliveIntervalMs * (keepaliveCountMax + 1)) / 1000).toFixed(0)} s`
        : err
          ? `connection lost (${err.message})`
          : 'the node closed the connection';
    this.setState({ state: 'stale', since: now(), reason: `${this.lostReason}; reconnecting` });
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.disposed) return;
    const delay = reconnectDelayMs(this.retries++, this.hub.settings.backoff);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.retryInBackground();
    }, delay);
    this.retryTimer.unref();
  }

  private retryInBackground(): void {
    if (this.disposed || this.connecting) return;
    const since = this.current.state === 'stale' ? this.current.since : now();
    this.connecting = this.openOnce().then(
      (client) => {
        this.connecting = null;
        this.adopt(client);
      },
      (err: unknown) => {
        this.connecting = null;
        if (this.disposed) return;
        const { failure, reason } = classifyConnectError(this.label, err);
        const hard =
          isHardStop(failure) ||
          (err instanceof JumpHostFailed && err.cause instanceof HostKeyRejected);
        if (hard) return this.fail(err);
        this.setState({
          state: 'stale',
          since,
          reason: `${this.lostReason}; reconnect attempt ${this.retries} failed: ${reason}`,
        });
        this.scheduleRetry();
      },
    );
  }

  private takeWaiters(): Waiter[] {
    const waiters = this.waiters;
    this.waiters = [];
    return waiters;
  }

  private setState(state: ConnectionState): void {
    this.current = state;
    for (const listener of [...this.listeners]) {
      try {
        listener(state);
      } catch {
        // a listener's bug must not break the connection
      }
    }
  }

  /** Closes the connection for good (the pool calls this after the last lease and the linger). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const client = this.client;
    this.client = null;
    client?.end();
    this.jumpLease?.release();
    this.jumpLease = null;
    for (const waiter of this.takeWaiters())
      waiter.reject(new ConnectionFailed('other', `${this.label}: the connection was closed.`));
    this.setState({ state: 'idle' });
    this.listeners.clear();
  }
}

function now(): string {
  return new Date().toISOString();
}
