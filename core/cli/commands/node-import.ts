/**
 * `raydeck node import CLUSTER (--ssh-config FILE | --testbed FILE) [--only NAME,...]`: adds the
 * hosts of an ssh config or a testbed description to a cluster (nodes.importPreview for the
 * warnings, then nodes.import), printing each node added and each host's problem.
 */
import path from 'node:path';
import type { ClusterNode, ImportSource } from '../../../shared';
import { UsageError, type CliCommand } from '../cli-types';
import { printResult, table } from '../output';
import { findClusterByName } from './node';

/** A file argument as the core should read it: `~` left for the core to expand, else absolute. */
const absolute = (file: string) => (file.startsWith('~') ? file : path.resolve(file));

export function importSource(values: Record<string, string | boolean | undefined>): {
  source: ImportSource;
  file: string;
} {
  const sshConfig = values['ssh-config'];
  const testbed = values.testbed;
  if ((sshConfig === undefined) === (testbed === undefined))
    throw new UsageError('give exactly one of --ssh-config FILE or --testbed FILE');
  if (typeof sshConfig === 'string')
    return { source: { kind: 'ssh-config-file', path: absolute(sshConfig) }, file: sshConfig };
  return {
    source: { kind: 'testbed-file', path: absolute(String(testbed)) },
    file: String(testbed),
  };
}

function addedTable(added: ClusterNode[], all: ClusterNode[]): string[] {
  const nameOf = (id: string | null) => (id ? (all.find((n) => n.id === id)?.name ?? id) : '-');
  return table(
    ['NAME', 'ADDRESS', 'USER', 'ROLE', 'VIA', 'KEY', 'VOUCHED FINGERPRINT'],
    added.map((n) => [
      n.name,
      `${n.host}:${n.port}`,
      n.user,
      n.role,
      nameOf(n.jumpNodeId),
      n.auth.kind === 'key' ? n.auth.identityFile : n.auth.kind,
      n.vouchedFingerprints.join(' ') || '-',
    ]),
  );
}

export const nodeImportCommand: CliCommand = {
  words: ['node', 'import'],
  usage:
    'raydeck node import CLUSTER (--ssh-config FILE | --testbed FILE) [--only NAME,...] [--json]',
  summary: 'Add the hosts of an ssh config or a testbed JSON to a cluster.',
  details: [
    'Options:',
    '  --ssh-config FILE   hosts of an OpenSSH client config (ProxyJump hosts become jump nodes)',
    '  --testbed FILE      the JSON of scripts/testbed/testbed (with the expected host key fingerprints)',
    '  --only NAME,...     only these hosts (and the jump hosts they need)',
    '  --json              {added, skipped, warnings}',
    'Nothing connects: after importing, run raydeck node connect CLUSTER and trust each host key',
    'with raydeck node trust CLUSTER NODE --fingerprint SHA256:...',
    'Exit 1 when nothing was imported, or a host named with --only could not be.',
  ],
  options: {
    'ssh-config': { type: 'string' },
    testbed: { type: 'string' },
    only: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: [{ name: 'CLUSTER', required: true }],
  async run({ values, positionals }, ctx) {
    const { source, file } = importSource(values);
    const only =
      typeof values.only === 'string'
        ? values.only
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : undefined;
    if (only && only.length === 0) throw new UsageError('--only needs at least one host name');
    const client = ctx.client();
    const cluster = await findClusterByName(client, positionals[0]!);
    const preview = await client.call('nodes.importPreview', { clusterId: cluster.id, source });
    const result = await client.call('nodes.import', {
      clusterId: cluster.id,
      source,
      ...(only ? { aliases: only } : {}),
    });
    const all = await client.call('nodes.list', { clusterId: cluster.id });
    const report = { added: result.added, skipped: result.skipped, warnings: preview.warnings };
    printResult(ctx.io, values.json === true, report, () => [
      ...(result.added.length
        ? [
            `Imported ${result.added.length} node${result.added.length === 1 ? '' : 's'} into ${cluster.name}:`,
            ...addedTable(result.added, all).map((l) => `  ${l}`),
          ]
        : []),
      ...(result.skipped.length
        ? ['Not imported:', ...result.skipped.map((s) => `  ${s.alias}: ${s.reason}`)]
        : []),
      ...(preview.warnings.length ? ['Warnings:', ...preview.warnings.map((w) => `  ${w}`)] : []),
      ...(result.added.length
        ? [
            `Next: raydeck node connect ${cluster.name}, then raydeck node trust ${cluster.name} NODE --fingerprint SHA256:...`,
          ]
        : []),
    ]);
    const missed = only ? result.skipped.filter((s) => only.includes(s.alias)) : [];
    if (missed.length) {
      ctx.io.err(
        `raydeck: not imported: ${missed.map((s) => `${s.alias} (${s.reason})`).join(', ')}`,
      );
      return 1;
    }
    if (result.added.length === 0) {
      ctx.io.err(
        `raydeck: nothing imported from ${file}${result.skipped.length ? `: ${result.skipped.length} host${result.skipped.length === 1 ? ' has a problem' : 's have problems'}` : ': it lists no hosts'}`,
      );
      return 1;
    }
    return 0;
  },
};
