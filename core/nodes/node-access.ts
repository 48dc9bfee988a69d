/**
 * Reaching the inventory's nodes: one held connection per node (its state feeds `nodes.list`
 * and `nodes.connection`), leases for features that need a node (preflight, terminals,
 * bring-up), and the host-key flow — probe what a node presents, trust it only when the user
 * names exactly that fingerprint. Nothing here connects without the HostKeyStore saying trusted.
 */
import type { Duplex } from 'node:stream';
import {
  RaydeckError,
  type ConnectionState,
  type HostKeyInfo,
  type Unsubscribe,
} from '../../shared';
import type { NodeInventory } from '../inventory/node-inventory';
import type { SecretStore } from '../secrets/secret-store';
import type { SshConnectionPool } from '../ssh/connection';
import { openClient } from '../ssh/connection/open-client';
import { fingerprintOf, type HostKeyStore } from '../ssh/host-keys';
import {
  HostKeyRejected,
  type HostKeyVerdict,
  type HostKeyVerifier,
  type NodeConnection,
  type SshTarget,
} from '../ssh/types';
import type { ConnectionStates } from './connection-states';
import { TargetProblem, resolveTarget } from './ssh-target';

export interface NodeAccessDeps {
  nodes: NodeInventory;
  secrets: SecretStore;
  states: ConnectionStates;
  pool: SshConnectionPool;
  hostKeys: HostKeyStore;
}

interface Held {
  conn: NodeConnection;
  off: Unsubscribe;
}

const now = () => new Date().toISOString();

export class NodeAccess {
  private readonly held = new Map<string, Held>();

  constructor(private readonly deps: NodeAccessDeps) {}

  private target(nodeId: string): Promise<SshTarget> {
    return resolveTarget(nodeId, {
      getNode: (id) => this.deps.nodes.get(id),
      getSecret: (id) => this.deps.secrets.get(id),
    });
  }

  /** Connects (verifying the host key of every hop) and keeps the connection; returns the state reached. */
  async connect(nodeId: string): Promise<ConnectionState> {
    let target: SshTarget;
    try {
      target = await this.target(nodeId);
    } catch (err) {
      if (!(err instanceof TargetProblem)) throw err;
      this.deps.states.set(nodeId, {
        state: 'failed',
        since: now(),
        failure: err.failure,
        reason: err.message,
      });
      return this.deps.states.get(nodeId);
    }
    let h = this.held.get(nodeId);
    if (!h) {
      const conn = this.deps.pool.acquire(target, { verifier: this.deps.hostKeys });
      const off = conn.onState((s) => this.deps.states.set(nodeId, s));
      h = { conn, off };
      this.held.set(nodeId, h);
    }
    await h.conn.ready().catch(() => {});
    const state = h.conn.state();
    this.deps.states.set(nodeId, state);
    // A hard failure (host key, credentials) keeps no connection: the next connect starts clean.
    if (state.state === 'failed') this.drop(nodeId);
    return state;
  }

  /** A lease on a ready connection for a feature; the caller releases it. Fails with a readable error. */
  async lease(nodeId: string): Promise<NodeConnection> {
    const node = await this.deps.nodes.get(nodeId);
    const state = await this.connect(nodeId);
    if (state.state === 'failed')
      throw new RaydeckError({ code: 'conflict', message: aboutNode(node.name, state.reason) });
    const conn = this.deps.pool.acquire(await this.target(nodeId), {
      verifier: this.deps.hostKeys,
    });
    try {
      await conn.ready();
    } catch (err) {
      conn.release();
      throw new RaydeckError({
        code: 'conflict',
        message: aboutNode(node.name, err instanceof Error ? err.message : String(err)),
      });
    }
    return conn;
  }

  /** Drops the held connection of a node (settings changed, node removed). */
  drop(nodeId: string): void {
    const h = this.held.get(nodeId);
    if (!h) return;
    this.held.delete(nodeId);
    h.off();
    h.conn.release();
  }

  /** What the node presents now, and what Raydeck makes of it. */
  async hostKey(nodeId: string): Promise<HostKeyInfo> {
    const node = await this.deps.nodes.get(nodeId);
    const key = await this.probeKey(nodeId);
    return this.describe(node.host, node.port, key);
  }

  /**
   * Trusts the node's key — only if the node presents exactly `fingerprint` right now. For a
   * changed key this is the explicit user action that replaces the old entry.
   */
  async trust(nodeId: string, fingerprint: string): Promise<HostKeyInfo> {
    const node = await this.deps.nodes.get(nodeId);
    const key = await this.probeKey(nodeId);
    const presented = fingerprintOf(key);
    if (presented !== fingerprint) {
      throw new RaydeckError({
        code: 'conflict',
        message: `${node.name} presents ${presented}, not ${fingerprint}. Nothing was trusted; check the fingerprint with the machine's owner.`,
        issues: [{ path: 'fingerprint', message: 'is not what the node presents' }],
      });
    }
    await this.deps.hostKeys.trust(node.host, node.port, key);
    this.drop(nodeId);
    this.deps.states.set(nodeId, { state: 'idle' });
    return this.describe(node.host, node.port, key);
  }

  dispose(): void {
    for (const id of [...this.held.keys()]) this.drop(id);
  }

  private describe(host: string, port: number, key: Buffer): HostKeyInfo {
    const verdict = this.deps.hostKeys.check(host, port, key);
    return {
      host,
      port,
      algorithm: verdict.algorithm,
      fingerprint: verdict.fingerprint,
      status: verdict.kind,
      known:
        verdict.kind === 'changed'
          ? verdict.known
          : verdict.kind === 'trusted' || verdict.kind === 'revoked'
            ? [{ fingerprint: verdict.fingerprint, source: verdict.source }]
            : [],
    };
  }

  /**
   * Opens a separate, throwaway handshake to the node (through its jump host, which must be
   * trusted already) that records the presented key and aborts before authentication.
   */
  private async probeKey(nodeId: string): Promise<Buffer> {
    let target: SshTarget;
    try {
      target = await this.target(nodeId);
    } catch (err) {
      // Credentials are not needed to see a host key: probe with placeholder auth.
      if (!(err instanceof TargetProblem) || err.failure === 'jump') throw toRaydeck(err);
      const node = await this.deps.nodes.get(nodeId);
      target = {
        host: node.host,
        port: node.port,
        user: node.user,
        auth: { kind: 'password', password: '' },
      };
      if (node.jumpNodeId)
        target.jump = await this.target(node.jumpNodeId).catch((e: unknown) =>
          Promise.reject(toRaydeck(e)),
        );
    }
    let captured: Buffer | null = null;
    const capture: HostKeyVerifier = {
      check: (host, port, key): HostKeyVerdict => {
        captured = Buffer.from(key);
        return { kind: 'unknown', algorithm: 'probe', fingerprint: fingerprintOf(key) };
      },
      trust: async () => {},
    };
    let sock: Duplex | undefined;
    let jumpLease: NodeConnection | undefined;
    try {
      if (target.jump) {
        jumpLease = this.deps.pool.acquire(target.jump, { verifier: this.deps.hostKeys });
        try {
          await jumpLease.ready();
          sock = await jumpLease.forwardOut(target.host, target.port);
        } catch (err) {
          // The jump hop's own problem (often its key is not trusted yet): say so, not "no host key".
          const hop = `${target.jump.host}:${target.jump.port}`;
          throw new RaydeckError({
            code: 'conflict',
            message:
              err instanceof HostKeyRejected
                ? `The jump host ${hop} is not trusted yet (${err.message}). Trust the jump host first, then this node.`
                : `Cannot reach this node through the jump host ${hop}: ${err instanceof Error ? err.message : String(err)}`,
          });
        }
      }
      const { jump: _jump, ...hop } = target;
      const client = await openClient(
        hop,
        capture,
        { ...this.deps.pool.settings, connectTimeoutMs: 10_000 },
        sock,
      );
      client.end(); // not reached: the capture verifier never trusts
    } catch (err) {
      if (err instanceof RaydeckError) throw err;
      if (!(err instanceof HostKeyRejected) && !captured) throw toRaydeck(err);
    } finally {
      sock?.destroy();
      jumpLease?.release();
    }
    if (!captured)
      throw new RaydeckError({
        code: 'conflict',
        message: `${target.host}:${target.port} presented no host key.`,
      });
    return captured;
  }
}

/** Prefixes a message with the node's name unless it already starts with it. */
function aboutNode(name: string, message: string): string {
  return message.startsWith(`${name}:`) ? message : `${name}: ${message}`;
}

function toRaydeck(err: unknown): RaydeckError {
  if (err instanceof RaydeckError) return err;
  return new RaydeckError({
    code: 'conflict',
    message: err instanceof Error ? err.message : String(err),
  });
}
