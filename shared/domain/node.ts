/**
 * GPU nodes of a cluster as the inventory keeps them, how Raydeck logs in to them, and the live
 * state of their SSH connection. Secrets (passwords, key passphrases) are never part of these
 * records: they live in the core's secret store, keyed by node id.
 */
import { z } from 'zod';
import { CheckResult } from './check';
import { ResourceName } from './names';

/** A DNS name, IPv4 or IPv6 address. No spaces, no shell metacharacters, no leading '-'. */
export const HostAddress = z
  .string({ error: 'must be text' })
  .trim()
  .min(1, { error: 'is required', abort: true })
  .max(253, { error: 'must be at most 253 characters', abort: true })
  .refine(
    (s) =>
      /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(s) ||
      (/^[0-9A-Fa-f:.]+$/.test(s) && s.includes(':')),
    {
      error: 'must be a host name, an IPv4 or an IPv6 address',
    },
  );

/** A POSIX login name (what useradd accepts). */
export const SshUser = z
  .string({ error: 'must be text' })
  .trim()
  .min(1, { error: 'is required', abort: true })
  .max(32, { error: 'must be at most 32 characters', abort: true })
  .refine((s) => /^[A-Za-z_][A-Za-z0-9_.-]*\$?$/.test(s), {
    error: 'must be a valid login name (letters, digits, "_", "-", ".")',
  });

export const SshPort = z
  .number({ error: 'must be a number' })
  .int({ error: 'must be a whole number' })
  .min(1, { error: 'must be 1 to 65535' })
  .max(65535, { error: 'must be 1 to 65535' });

/** How Raydeck authenticates to a node. */
export const NodeAuth = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('agent') }).strict(),
  z
    .object({
      kind: z.literal('key'),
      /** Path of the private key on the machine running the core (`~` allowed). */
      identityFile: z.string().trim().min(1, { error: 'is required' }).max(4096),
    })
    .strict(),
  z.object({ kind: z.literal('password') }).strict(),
]);
export type NodeAuth = z.infer<typeof NodeAuth>;

/** `jump`: an SSH bastion only (ProxyJump for other nodes), never part of the Ray cluster. */
export const NodeRole = z.enum(['head', 'worker', 'jump']);
export type NodeRole = z.infer<typeof NodeRole>;

export const ClusterNode = z.object({
  id: z.string(),
  clusterId: z.string(),
  name: ResourceName,
  host: HostAddress,
  port: SshPort,
  user: SshUser,
  auth: NodeAuth,
  /** Another node of the same cluster used as ProxyJump, or null. */
  jumpNodeId: z.string().nullable(),
  role: NodeRole,
  /** Whether a password / passphrase is remembered for this node (the value never leaves the core). */
  hasSecret: z.boolean(),
  /** Host key fingerprints an import source vouched for (the testbed prints them); shown when trusting. */
  vouchedFingerprints: z.array(z.string()).default([]),
  createdAt: z.string(),
});
export type ClusterNode = z.infer<typeof ClusterNode>;

/** Why a connection is not usable; the UI picks its explanation and next step from this. */
export const ConnectionFailure = z.enum([
  'host-key-unknown', // first contact: the user must accept the fingerprint
  'host-key-changed', // hard stop: possible man-in-the-middle
  'host-key-revoked', // @revoked in known_hosts
  'auth', // credentials refused
  'secret-needed', // a password or passphrase is needed and not known
  'unreachable', // TCP connect failed / timed out
  'jump', // the jump host failed
  'other',
]);
export type ConnectionFailure = z.infer<typeof ConnectionFailure>;

export const ConnectionState = z.discriminatedUnion('state', [
  z.object({ state: z.literal('idle') }),
  z.object({ state: z.literal('connecting'), since: z.string(), attempt: z.number().int() }),
  z.object({ state: z.literal('ready'), since: z.string() }),
  /** Was ready; keepalives stopped answering. Reconnecting in the background. */
  z.object({ state: z.literal('stale'), since: z.string(), reason: z.string() }),
  z.object({
    state: z.literal('failed'),
    since: z.string(),
    failure: ConnectionFailure,
    reason: z.string(),
    /** For host-key failures: what the server presented. */
    presented: z.object({ algorithm: z.string(), fingerprint: z.string() }).optional(),
    /** For host-key-changed: what was trusted before, and where. */
    known: z.array(z.object({ fingerprint: z.string(), source: z.string() })).optional(),
  }),
]);
export type ConnectionState = z.infer<typeof ConnectionState>;

export const NodeWithState = ClusterNode.extend({ connection: ConnectionState });
export type NodeWithState = z.infer<typeof NodeWithState>;

export const NodePreflight = z.object({
  nodeId: z.string(),
  at: z.string(),
  checks: z.array(CheckResult),
  /** GPUs found by nvidia-smi, used for `--num-gpus` and the mixed-model check. */
  gpus: z.array(
    z.object({
      index: z.number(),
      name: z.string(),
      memoryMiB: z.number().nullable(),
      uuid: z.string(),
    }),
  ),
});
export type NodePreflight = z.infer<typeof NodePreflight>;
