/**
 * Methods on a cluster's nodes: add/edit/remove, import (ssh config, testbed JSON), connect,
 * host-key trust (TOFU with the fingerprint shown), secrets, and preflight checks.
 */
import { z } from 'zod';
import { defineMethod } from './define';
import {
  ClusterNode,
  HostAddress,
  NodeAuth,
  NodePreflight,
  NodeRole,
  NodeWithState,
  ConnectionState,
  SshPort,
  SshUser,
} from '../domain/node';
import { ResourceName } from '../domain/names';
import { OperationStarted } from '../domain/operation';
import { Id } from './primitives';

/** A password or key passphrase: sent once, kept by the core, never returned. */
const Secret = z.string().min(1, { error: 'is required' }).max(4096, { error: 'is too long' });

const NodeFields = z.object({
  name: ResourceName,
  host: HostAddress,
  port: SshPort.default(22),
  user: SshUser,
  auth: NodeAuth,
  jumpNodeId: Id.nullable().default(null),
  role: NodeRole.default('worker'),
});

export const ImportSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ssh-config'), text: z.string().max(1_000_000) }).strict(),
  z.object({ kind: z.literal('ssh-config-file'), path: z.string().min(1).max(4096) }).strict(),
  z.object({ kind: z.literal('testbed'), text: z.string().max(1_000_000) }).strict(),
  z.object({ kind: z.literal('testbed-file'), path: z.string().min(1).max(4096) }).strict(),
]);
export type ImportSource = z.infer<typeof ImportSource>;

export const ImportCandidate = z.object({
  alias: z.string(),
  host: z.string(),
  port: z.number(),
  user: z.string(),
  identityFile: z.string().nullable(),
  jumpAlias: z.string().nullable(),
  /** Fingerprints the source vouches for (the testbed prints them); trusted on import when they match. */
  expectedFingerprints: z.array(z.string()),
  /** Why this host cannot be imported, or null when it can. */
  problem: z.string().nullable(),
});
export type ImportCandidate = z.infer<typeof ImportCandidate>;

export const HostKeyInfo = z.object({
  host: z.string(),
  port: z.number(),
  algorithm: z.string(),
  fingerprint: z.string(),
  status: z.enum(['trusted', 'unknown', 'changed', 'revoked']),
  known: z.array(z.object({ fingerprint: z.string(), source: z.string() })),
});
export type HostKeyInfo = z.infer<typeof HostKeyInfo>;

export const nodeMethods = {
  'nodes.list': defineMethod({
    summary: "A cluster's nodes with their live connection state.",
    input: z.object({ clusterId: Id }).strict(),
    output: z.array(NodeWithState),
  }),
  'nodes.add': defineMethod({
    summary: 'Add a node to a cluster (nothing connects until you ask).',
    input: NodeFields.extend({
      clusterId: Id,
      secret: Secret.optional(),
      rememberSecret: z.boolean().default(false),
    }).strict(),
    output: ClusterNode,
  }),
  'nodes.update': defineMethod({
    summary: "Edit a node's settings; its connection is re-established with the new ones.",
    input: NodeFields.partial()
      .extend({ id: Id, secret: Secret.optional(), rememberSecret: z.boolean().optional() })
      .strict(),
    output: ClusterNode,
  }),
  'nodes.remove': defineMethod({
    summary: 'Remove a node from the inventory (nothing on the node is touched).',
    input: z.object({ id: Id }).strict(),
    output: z.object({ removed: z.literal(true) }),
  }),
  'nodes.setSecret': defineMethod({
    summary: 'Give the password or key passphrase for a node (remembered only if asked).',
    input: z.object({ id: Id, secret: Secret, remember: z.boolean().default(false) }).strict(),
    output: ClusterNode,
  }),
} as const;

/** Importing hosts from an ssh config or the testbed's JSON. */
export const nodeImportMethods = {
  'nodes.importPreview': defineMethod({
    summary: 'Read hosts from an ssh config or a testbed description, without adding them.',
    input: z.object({ clusterId: Id, source: ImportSource }).strict(),
    output: z.object({ candidates: z.array(ImportCandidate), warnings: z.array(z.string()) }),
  }),
  'nodes.import': defineMethod({
    summary:
      'Add the chosen hosts of an ssh config or testbed description (all importable ones by default).',
    input: z
      .object({ clusterId: Id, source: ImportSource, aliases: z.array(z.string()).optional() })
      .strict(),
    output: z.object({
      added: z.array(ClusterNode),
      skipped: z.array(z.object({ alias: z.string(), reason: z.string() })),
    }),
  }),
} as const;

/** Reaching nodes: connect, host-key trust, preflight. */
export const nodeAccessMethods = {
  'nodes.connect': defineMethod({
    summary:
      'Connect to a node (verifying its host key) and keep the connection; returns the resulting state.',
    input: z.object({ id: Id }).strict(),
    output: ConnectionState,
  }),
  'nodes.hostKey': defineMethod({
    summary:
      'Fetch the key a node presents and say whether it is trusted, unknown, changed or revoked.',
    input: z.object({ id: Id }).strict(),
    output: HostKeyInfo,
  }),
  'nodes.trust': defineMethod({
    summary: "Trust a node's host key — only if it presents exactly the fingerprint given.",
    input: z
      .object({
        id: Id,
        fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, {
          error: 'must look like SHA256: followed by 43 base64 characters',
        }),
      })
      .strict(),
    output: HostKeyInfo,
  }),
  'nodes.check': defineMethod({
    summary:
      'Run preflight checks on nodes of a cluster (all by default); returns an operation id.',
    input: z.object({ clusterId: Id, nodeIds: z.array(Id).optional() }).strict(),
    output: OperationStarted,
  }),
  'nodes.preflight': defineMethod({
    summary: 'The latest preflight results of a cluster, per node.',
    input: z.object({ clusterId: Id }).strict(),
    output: z.array(NodePreflight),
  }),
} as const;
