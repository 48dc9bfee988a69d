/**
 * `raydeck node connect|trust`: reaching nodes from the command line. `connect` shows the state
 * each node reaches (an unknown host key with the fingerprint it presents); `trust` is the only
 * non-interactive way to accept a key, and only with the exact `--fingerprint` the node presents.
 */
import type {
  ClusterNode,
  ConnectionState,
  HostKeyInfo,
  NodeWithState,
  RaydeckClient,
} from '../../../shared';
import type { CliCommand } from '../cli-types';
import { oneLine, table } from '../output';
import { findClusterByName, findNodeByName } from './node';

/** What the vouched fingerprints of an import say about the key presented now. */
function vouchNote(node: ClusterNode, fingerprint: string): string {
  if (node.vouchedFingerprints.length === 0) return '';
  return node.vouchedFingerprints.includes(fingerprint)
    ? ' (matches the fingerprint the import source vouched for)'
    : ` (does NOT match the fingerprint the import source vouched for: ${node.vouchedFingerprints.join(', ')}; check with the machine's owner)`;
}

const trustCommand = (cluster: string, node: string, fingerprint: string) =>
  `raydeck node trust ${cluster} ${node} --fingerprint ${fingerprint}`;

/** One line about a node's state, and what to do next where there is something to do. */
export function connectionLines(
  clusterName: string,
  node: ClusterNode,
  c: ConnectionState,
): { state: string; detail: string; next: string | null } {
  switch (c.state) {
    case 'failed': {
      const fp = c.presented?.fingerprint;
      const next =
        fp && c.failure === 'host-key-unknown'
          ? `trust it: ${trustCommand(clusterName, node.name, fp)}${vouchNote(node, fp)}`
          : fp && c.failure === 'host-key-changed'
            ? `only if the change is expected: ${trustCommand(clusterName, node.name, fp)}${vouchNote(node, fp)}`
            : c.failure === 'secret-needed'
              ? 'it needs a password or passphrase, which the CLI does not ask for: enter it once in the app (Nodes page)'
              : null;
      return { state: `failed (${c.failure})`, detail: oneLine(c.reason), next };
    }
    case 'stale':
      return { state: 'stale', detail: oneLine(c.reason), next: null };
    case 'connecting':
      return { state: 'connecting', detail: `attempt ${c.attempt}`, next: null };
    case 'ready':
    case 'idle':
      return { state: c.state, detail: '', next: null };
  }
}

function hostKeyLines(clusterName: string, node: ClusterNode, info: HostKeyInfo): string[] {
  const lines = [
    `${node.name} (${info.host}:${info.port}) presents ${info.algorithm} ${info.fingerprint}: ${info.status}${vouchNote(node, info.fingerprint)}`,
  ];
  if (info.status === 'changed')
    lines.push(
      `  Raydeck trusted before: ${info.known.map((k) => `${k.fingerprint} (${k.source})`).join(', ')}. A changed key can mean someone is intercepting the connection.`,
    );
  if (info.status === 'revoked')
    lines.push(
      `  This key is marked @revoked in ${info.known[0]?.source ?? 'known_hosts'}; Raydeck will not use it.`,
    );
  if (info.status === 'unknown' || info.status === 'changed')
    lines.push(
      `To trust it, check the fingerprint out of band, then: ${trustCommand(clusterName, node.name, info.fingerprint)}`,
    );
  return lines;
}

/**
 * A node behind jump hosts is probed through them, so each hop must be trusted first (hop by
 * hop, the first hop first); says which one is not and how to trust it, instead of a probe failure.
 */
async function requireTrustedHops(
  client: RaydeckClient,
  clusterName: string,
  node: ClusterNode,
): Promise<void> {
  const all = await client.call('nodes.list', { clusterId: node.clusterId });
  const chain: ClusterNode[] = [];
  for (
    let hop = all.find((n) => n.id === node.jumpNodeId);
    hop && !chain.includes(hop);
    hop = all.find((n) => n.id === hop!.jumpNodeId)
  )
    chain.unshift(hop);
  for (const hop of chain) {
    const info = await client.call('nodes.hostKey', { id: hop.id });
    if (info.status === 'unknown') {
      throw new Error(
        `${node.name} is reached through ${hop.name}, whose host key is unknown: trust ${hop.name} first (${trustCommand(clusterName, hop.name, info.fingerprint)})`,
      );
    }
    if (info.status !== 'trusted') {
      throw new Error(
        `${node.name} is reached through ${hop.name}, whose host key is ${info.status === 'changed' ? 'CHANGED' : info.status}: see raydeck node trust ${clusterName} ${hop.name} first`,
      );
    }
  }
}

/** Jump hosts first, so each hop is connected before the nodes behind it. */
function hopOrder(nodes: NodeWithState[]): NodeWithState[] {
  const depth = (n: NodeWithState, seen = new Set<string>()): number => {
    if (!n.jumpNodeId || seen.has(n.id)) return 0;
    seen.add(n.id);
    const jump = nodes.find((j) => j.id === n.jumpNodeId);
    return jump ? 1 + depth(jump, seen) : 0;
  };
  return [...nodes].sort((a, b) => depth(a) - depth(b));
}

export const nodeAccessCommands: CliCommand[] = [
  {
    words: ['node', 'connect'],
    usage: 'raydeck node connect CLUSTER [NODE] [--json]',
    summary: 'Connect to a node (or every node of the cluster) and print the state reached.',
    details: [
      'Host keys are verified on every hop; an unknown key is not accepted here: the state is',
      'failed (host-key-unknown) with the fingerprint the node presents and the trust command to run.',
      '--json prints [{id, name, host, port, connection}]. Exit 0 only when every node is ready.',
    ],
    options: { json: { type: 'boolean' } },
    positionals: [
      { name: 'CLUSTER', required: true },
      { name: 'NODE', required: false },
    ],
    async run({ values, positionals }, ctx) {
      const client = ctx.client();
      const cluster = await findClusterByName(client, positionals[0]!);
      const listed = await client.call('nodes.list', { clusterId: cluster.id });
      const chosen = positionals[1]
        ? [await findNodeByName(client, cluster.id, positionals[1])]
        : hopOrder(listed);
      if (chosen.length === 0)
        throw new Error(
          `${cluster.name} has no nodes; add some with raydeck node add or raydeck node import`,
        );
      const results: { node: ClusterNode; connection: ConnectionState }[] = [];
      for (const node of chosen)
        results.push({ node, connection: await client.call('nodes.connect', { id: node.id }) });
      if (values.json === true) {
        ctx.io.out(
          JSON.stringify(
            results.map(({ node, connection }) => ({
              id: node.id,
              name: node.name,
              host: node.host,
              port: node.port,
              connection,
            })),
            null,
            2,
          ),
        );
      } else {
        const rows = results.map(({ node, connection }) => ({
          node,
          ...connectionLines(cluster.name, node, connection),
        }));
        for (const line of table(
          ['NODE', 'STATE', 'DETAIL'],
          rows.map((r) => [r.node.name, r.state, r.detail]),
        ))
          ctx.io.out(line);
        for (const r of rows) if (r.next) ctx.io.out(`${r.node.name}: ${r.next}`);
      }
      const notReady = results.filter((r) => r.connection.state !== 'ready');
      if (notReady.length === 0) return 0;
      const why = (r: (typeof results)[number]) =>
        `${r.node.name} (${r.connection.state === 'failed' ? r.connection.failure : r.connection.state})`;
      ctx.io.err(
        `raydeck: ${notReady.length === results.length && results.length === 1 ? `${why(notReady[0]!)} is not connected` : `${notReady.length} of ${results.length} nodes are not connected: ${notReady.map(why).join(', ')}`}`,
      );
      return 1;
    },
  },
  {
    words: ['node', 'trust'],
    usage: 'raydeck node trust CLUSTER NODE --fingerprint SHA256:... [--json]',
    summary: "Trust a node's host key, only if it presents exactly the fingerprint given.",
    details: [
      'Without --fingerprint nothing is trusted: it prints the key the node presents and the command',
      'to trust it, and exits 1 (0 if that key is already trusted).',
      'With --fingerprint it exits 1, naming the presented key, when the node presents another one.',
      'A node behind a jump host is reached through it: trust the jump host first.',
    ],
    options: { fingerprint: { type: 'string' }, json: { type: 'boolean' } },
    positionals: [
      { name: 'CLUSTER', required: true },
      { name: 'NODE', required: true },
    ],
    async run({ values, positionals }, ctx) {
      const client = ctx.client();
      const cluster = await findClusterByName(client, positionals[0]!);
      const node = await findNodeByName(client, cluster.id, positionals[1]!);
      const json = values.json === true;
      await requireTrustedHops(client, cluster.name, node);
      if (typeof values.fingerprint !== 'string') {
        const info = await client.call('nodes.hostKey', { id: node.id });
        if (json) ctx.io.out(JSON.stringify(info, null, 2));
        else for (const line of hostKeyLines(cluster.name, node, info)) ctx.io.out(line);
        if (info.status === 'trusted') return 0;
        ctx.io.err(
          `raydeck: no --fingerprint given; nothing was trusted (${node.name} presents ${info.fingerprint})`,
        );
        return 1;
      }
      const info = await client.call('nodes.trust', {
        id: node.id,
        fingerprint: values.fingerprint,
      });
      if (json) ctx.io.out(JSON.stringify(info, null, 2));
      else
        ctx.io.out(
          `Trusted ${node.name} (${info.host}:${info.port}): ${info.algorithm} ${info.fingerprint}`,
        );
      return 0;
    },
  },
];
