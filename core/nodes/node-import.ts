/**
 * Importing nodes from an `~/.ssh/config` or the testbed's JSON: read the source, turn its hosts
 * into candidates the user reviews (each with its problem, if any), then add the chosen ones in
 * one all-or-nothing write. Hosts others jump through become jump-only nodes; a ProxyJump given
 * inline (`user@bastion:22`) becomes a jump node of its own; the first Ray host becomes the head
 * when the cluster has none.
 */
import os from 'node:os';
import {
  RaydeckError,
  ResourceName,
  type ClusterNode,
  type ImportCandidate,
  type ImportSource,
  type NodeRole,
} from '../../shared';
import {
  ConfigFileError,
  importSshConfig,
  importTestbed,
  readConfigFile,
  SshConfigError,
  TestbedImportError,
  type ImportedHost,
} from '../inventory/import';
import type { ImportedNode, NodeInventory } from '../inventory/node-inventory';
import { expandHome } from './ssh-target';

interface Candidate extends ImportCandidate {
  role: NodeRole | null;
}

async function readSource(
  source: ImportSource,
): Promise<{ kind: 'ssh-config' | 'testbed'; text: string; label: string; file?: string }> {
  if (source.kind === 'ssh-config' || source.kind === 'testbed')
    return {
      kind: source.kind,
      text: source.text,
      label: source.kind === 'testbed' ? 'the testbed JSON' : 'the ssh config',
    };
  const file = expandHome(source.path, os.homedir());
  try {
    // Regular files of at most 1 MB, opened without blocking: /dev/zero or a FIFO is refused (issue 16).
    return {
      kind: source.kind === 'testbed-file' ? 'testbed' : 'ssh-config',
      text: readConfigFile(file),
      label: file,
      file,
    };
  } catch (err) {
    if (!(err instanceof ConfigFileError)) throw err;
    throw new RaydeckError({
      code: 'validation',
      message: `${err.message}`,
      issues: [
        {
          path: 'source.path',
          message: err.problem === 'no such file' ? 'no such file' : err.problem,
        },
      ],
    });
  }
}

/** A valid node name from an alias: as is, or with unsupported characters replaced. */
function nodeName(alias: string): string | null {
  if (ResourceName.safeParse(alias).success) return alias;
  const cleaned = alias
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 63);
  return ResourceName.safeParse(cleaned).success ? cleaned : null;
}

function toCandidates(
  hosts: ImportedHost[],
  rejected: { alias: string; reasons: string[] }[],
  existing: ClusterNode[],
): Candidate[] {
  const out: Candidate[] = [];
  const inline = new Map<string, Candidate>();
  const jumpAliases = new Set(
    hosts.flatMap((h) => (h.jump?.kind === 'alias' ? [h.jump.alias] : [])),
  );
  for (const h of hosts) {
    let jumpAlias: string | null = null;
    if (h.jump?.kind === 'alias') jumpAlias = h.jump.alias;
    else if (h.jump?.kind === 'inline') {
      const alias = nodeName(`jump-${h.jump.host}`) ?? 'jump';
      jumpAlias = alias;
      if (!inline.has(alias)) {
        inline.set(alias, {
          alias,
          host: h.jump.host,
          port: h.jump.port,
          user: h.jump.user,
          identityFile: h.identityFile,
          jumpAlias: null,
          expectedFingerprints: [],
          problem: null,
          role: 'jump',
        });
      }
    }
    const name = nodeName(h.alias);
    const clash = existing.find(
      (n) =>
        (name && n.name.toLowerCase() === name.toLowerCase()) ||
        (n.host === h.host && n.port === h.port),
    );
    out.push({
      alias: name ?? h.alias,
      host: h.host,
      port: h.port,
      user: h.user,
      identityFile: h.identityFile,
      jumpAlias,
      expectedFingerprints: h.expectedFingerprints ?? [],
      problem: !name
        ? `"${h.alias}" cannot be turned into a node name.`
        : clash
          ? `Already in this cluster as ${clash.name}.`
          : null,
      role: jumpAliases.has(h.alias) ? 'jump' : null,
    });
  }
  for (const r of rejected)
    out.push({
      alias: r.alias,
      host: '',
      port: 22,
      user: '',
      identityFile: null,
      jumpAlias: null,
      expectedFingerprints: [],
      problem: r.reasons.join(' '),
      role: null,
    });
  return [...inline.values(), ...out];
}

export async function previewImport(
  nodes: NodeInventory,
  clusterId: string,
  source: ImportSource,
): Promise<{ candidates: Candidate[]; warnings: string[] }> {
  const existing = await nodes.list(clusterId);
  const { kind, text, label, file } = await readSource(source);
  if (kind === 'testbed') {
    try {
      const tb = importTestbed(text, label);
      return { candidates: toCandidates(tb.hosts, [], existing), warnings: [] };
    } catch (err) {
      if (err instanceof TestbedImportError) {
        throw new RaydeckError({
          code: 'validation',
          message: err.message,
          issues: err.problems.map((p) => ({ path: 'source', message: p })),
        });
      }
      throw err;
    }
  }
  let result;
  try {
    result = importSshConfig(text, {
      home: os.homedir(),
      defaultUser: os.userInfo().username,
      followIncludes: true,
      ...(file ? { origin: file } : {}),
    });
  } catch (err) {
    if (err instanceof SshConfigError)
      throw new RaydeckError({
        code: 'validation',
        message: err.message,
        issues: [{ path: 'source', message: err.message }],
      });
    throw err;
  }
  return {
    candidates: toCandidates(result.hosts, result.rejected, existing),
    warnings: [
      ...result.warnings,
      ...result.hosts.flatMap((h) => h.warnings.map((w) => `${h.alias}: ${w}`)),
    ],
  };
}

export async function applyImport(
  nodes: NodeInventory,
  clusterId: string,
  source: ImportSource,
  aliases: string[] | undefined,
): Promise<{ added: ClusterNode[]; skipped: { alias: string; reason: string }[] }> {
  const { candidates } = await previewImport(nodes, clusterId, source);
  const wanted = aliases ? new Set(aliases) : null;
  const skipped: { alias: string; reason: string }[] = [];
  const chosen = candidates.filter((c) => {
    if (c.problem) {
      if (!wanted || wanted.has(c.alias)) skipped.push({ alias: c.alias, reason: c.problem });
      return false;
    }
    return (
      !wanted ||
      wanted.has(c.alias) ||
      candidates.some((o) => o.jumpAlias === c.alias && (!wanted || wanted.has(o.alias)))
    );
  });
  if (wanted)
    for (const a of wanted)
      if (!candidates.some((c) => c.alias === a))
        skipped.push({ alias: a, reason: 'not found in the source' });
  const existing = await nodes.list(clusterId);
  let hasHead = existing.some((n) => n.role === 'head');
  // Jump hosts first, so every jumpRef points at something already added.
  const ordered = [
    ...chosen.filter((c) => c.role === 'jump'),
    ...chosen.filter((c) => c.role !== 'jump'),
  ];
  const items: ImportedNode[] = ordered.map((c) => {
    let role: NodeRole = c.role ?? 'worker';
    if (role !== 'jump' && !hasHead) {
      role = 'head';
      hasHead = true;
    }
    return {
      ref: c.alias,
      jumpRef: c.jumpAlias,
      clusterId,
      name: c.alias,
      host: c.host,
      port: c.port,
      user: c.user,
      auth: c.identityFile ? { kind: 'key', identityFile: c.identityFile } : { kind: 'agent' },
      role,
      vouchedFingerprints: c.expectedFingerprints,
    };
  });
  const added = items.length ? await nodes.addImported(clusterId, items) : [];
  return { added, skipped };
}
