/**
 * The pool of SSH connections of the core: one shared connection per node key
 * (`user@host:port` + jump chain, see shared-connection.ts), handed out as leases. Every
 * `acquire` returns its own lease; the connection closes a short linger after the last lease is
 * released, so a quick release/acquire (page switch, step retry) does not reconnect.
 */
import type { ConnectionState, Unsubscribe } from '../../../shared';
import type {
  NodeConnection,
  RunScriptOptions,
  ScriptResult,
  ShellChannel,
  ShellOptions,
  SshTarget,
  UploadFileOptions,
} from '../types';
import type { Duplex } from 'node:stream';
import { DEFAULT_BACKOFF } from './backoff';
import { ConnectionFailed } from './connection-failure';
import { RemoteScriptCatalog } from './remote-scripts';
import {
  type ConnectionDeps,
  type ConnectionHub,
  type ConnectionSettings,
  SharedConnection,
  connectionKey,
} from './shared-connection';

export const DEFAULT_CONNECTION_SETTINGS: ConnectionSettings = {
  keepaliveIntervalMs: 5_000,
  keepaliveCountMax: 3,
  connectTimeoutMs: 15_000,
  lingerMs: 10_000,
  maxChannels: 8,
  backoff: DEFAULT_BACKOFF,
};

export interface PoolOptions extends Partial<ConnectionSettings> {
  /** The scripts runScript may run (default: this checkout's remote/scripts). */
  scripts?: RemoteScriptCatalog;
}

/** A snapshot of one pooled connection, for diagnostics. */
export interface PooledConnectionInfo {
  key: string;
  state: ConnectionState;
  leases: number;
  channels: { open: number; waiting: number; peak: number };
}

interface Entry {
  connection: SharedConnection;
  leases: number;
  linger: NodeJS.Timeout | null;
}

export class SshConnectionPool implements ConnectionHub {
  readonly settings: ConnectionSettings;
  readonly scripts: RemoteScriptCatalog;
  private readonly entries = new Map<string, Entry>();

  constructor(options: PoolOptions = {}) {
    const { scripts, ...settings } = options;
    this.settings = { ...DEFAULT_CONNECTION_SETTINGS, ...settings };
    this.scripts = scripts ?? new RemoteScriptCatalog();
  }

  /**
   * A lease on the connection for `target` (created on first use; nothing connects until
   * `ready()` or a channel is asked for). The first acquirer's `deps` serve the connection.
   */
  acquire(target: SshTarget, deps: ConnectionDeps): NodeConnection {
    const key = connectionKey(target);
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { connection: new SharedConnection(target, deps, this), leases: 0, linger: null };
      this.entries.set(key, entry);
    }
    if (entry.linger) clearTimeout(entry.linger);
    entry.linger = null;
    entry.leases++;
    const owned = entry;
    return new ConnectionLease(owned.connection, () => this.releaseOne(key, owned));
  }

  connections(): PooledConnectionInfo[] {
    return [...this.entries.values()].map(({ connection, leases }) => ({
      key: connection.key,
      state: connection.state(),
      leases,
      channels: connection.slots.usage(),
    }));
  }

  /** Closes every connection now, leased or not (app shutdown). */
  closeAll(): void {
    for (const [key, entry] of this.entries) {
      if (entry.linger) clearTimeout(entry.linger);
      this.entries.delete(key);
      entry.connection.dispose();
    }
  }

  private releaseOne(key: string, entry: Entry): void {
    if (this.entries.get(key) !== entry) return;
    entry.leases--;
    if (entry.leases > 0) return;
    const close = () => {
      if (this.entries.get(key) === entry && entry.leases === 0) {
        this.entries.delete(key);
        entry.connection.dispose();
      }
    };
    if (this.settings.lingerMs <= 0) return close();
    entry.linger = setTimeout(close, this.settings.lingerMs);
    entry.linger.unref();
  }
}

/**
 * One user's handle on a shared connection; `release()` is idempotent and drops its listeners.
 * After release every method rejects (a released handle can never touch another user's connection).
 */
class ConnectionLease implements NodeConnection {
  readonly key: string;
  private released = false;
  private readonly subscriptions = new Set<Unsubscribe>();

  constructor(
    private readonly connection: SharedConnection,
    private readonly onRelease: () => void,
  ) {
    this.key = connection.key;
  }

  state(): ConnectionState {
    return this.connection.state();
  }

  onState(listener: (state: ConnectionState) => void): Unsubscribe {
    const off = this.connection.onState(listener);
    const unsubscribe = () => {
      off();
      this.subscriptions.delete(unsubscribe);
    };
    this.subscriptions.add(unsubscribe);
    return unsubscribe;
  }

  async ready(): Promise<void> {
    return this.live().ready();
  }

  async runScript(name: string, opts?: RunScriptOptions): Promise<ScriptResult> {
    return this.live().runScript(name, opts);
  }

  async upload(content: Buffer | string, remotePath: string, mode?: number): Promise<void> {
    return this.live().upload(content, remotePath, mode);
  }

  async uploadFile(localPath: string, remotePath: string, opts?: UploadFileOptions): Promise<void> {
    return this.live().uploadFile(localPath, remotePath, opts);
  }

  async shell(opts: ShellOptions): Promise<ShellChannel> {
    return this.live().shell(opts);
  }

  async forwardOut(host: string, port: number): Promise<Duplex> {
    return this.live().forwardOut(host, port);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    for (const unsubscribe of [...this.subscriptions]) unsubscribe();
    this.onRelease();
  }

  private live(): SharedConnection {
    if (this.released)
      throw new ConnectionFailed('other', `${this.key}: this connection handle was released.`);
    return this.connection;
  }
}
