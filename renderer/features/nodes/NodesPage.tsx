/**
 * Nodes of the current cluster: a live table (address, login, role, jump host, connection state)
 * with add / edit / remove, and an empty state that says what to do first.
 */
import { useState } from 'react';
import type { ClusterNode, NodeWithState } from '../../../shared';
import { ClusterPicker, useCurrentCluster } from '../clusters';
import { useShell } from '../../shell/ui-store';
import { ConnectionBadge } from './ConnectionBadge';
import { NodeFormDialog } from './NodeFormDialog';
import { ImportDialog } from './ImportDialog';
import { TrustDialog } from './TrustDialog';
import { SecretDialog } from './SecretDialog';
import { PreflightPanel } from './PreflightPanel';
import { useMutation } from '@tanstack/react-query';
import { useRaydeck } from '../../app/client-context';
import { useNodes, useRemoveNode } from './use-nodes';
import { TrustMatching } from './TrustMatching';
import { ConfirmDialog, ErrorBanner } from '../../ui';

const ROLE_TEXT = { head: 'head', worker: 'worker', jump: 'jump host' } as const;

function authText(n: ClusterNode): string {
  switch (n.auth.kind) {
    case 'agent':
      return 'agent';
    case 'key':
      return `key ${n.auth.identityFile}`;
    case 'password':
      return n.hasSecret ? 'password (known)' : 'password';
  }
}

type Prompt = { kind: 'trust' | 'secret'; node: ClusterNode } | null;

/** The one next step a node's connection state calls for. */
function ConnectAction({ node, onPrompt }: { node: NodeWithState; onPrompt: (p: Prompt) => void }) {
  const client = useRaydeck();
  const connect = useMutation({ mutationFn: () => client.call('nodes.connect', { id: node.id }) });
  const c = node.connection;
  if (
    c.state === 'failed' &&
    (c.failure === 'host-key-unknown' || c.failure === 'host-key-changed')
  ) {
    return (
      <button
        className={
          c.failure === 'host-key-changed' ? 'btn small danger-solid' : 'btn small primary'
        }
        onClick={() => onPrompt({ kind: 'trust', node })}
      >
        {c.failure === 'host-key-changed' ? 'Review changed key' : 'Review host key'}
      </button>
    );
  }
  if (c.state === 'failed' && c.failure === 'secret-needed') {
    return (
      <button className="btn small primary" onClick={() => onPrompt({ kind: 'secret', node })}>
        Enter {node.auth.kind === 'password' ? 'password' : 'passphrase'}
      </button>
    );
  }
  if (c.state === 'ready' || c.state === 'stale' || c.state === 'connecting') return null;
  return (
    <button
      className="btn small"
      onClick={() => connect.mutate()}
      disabled={connect.isPending}
      aria-label={`Connect ${node.name}`}
    >
      {connect.isPending ? 'Connecting…' : c.state === 'failed' ? 'Retry' : 'Connect'}
    </button>
  );
}

function NodesTable({
  clusterId,
  nodes,
  onEdit,
  onPrompt,
}: {
  clusterId: string;
  nodes: NodeWithState[];
  onEdit: (n: ClusterNode) => void;
  onPrompt: (p: Prompt) => void;
}) {
  const remove = useRemoveNode();
  const [removing, setRemoving] = useState<ClusterNode | null>(null);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  void clusterId;
  return (
    <>
      <ErrorBanner error={remove.error} />
      {removing ? (
        <ConfirmDialog
          testId="remove-node-confirm"
          title={`Remove ${removing.name}?`}
          body={`Raydeck forgets ${removing.name} (${removing.host}). Nothing on the node itself is touched.`}
          confirm="Remove"
          cancel={`Keep ${removing.name}`}
          onClose={() => setRemoving(null)}
          onConfirm={() => {
            remove.mutate(removing.id);
            setRemoving(null);
          }}
        />
      ) : null}
      <table className="data-table" aria-label="Nodes">
        <thead>
          <tr>
            <th>Name</th>
            <th>Address</th>
            <th>Login</th>
            <th>Role</th>
            <th>Via</th>
            <th>Connection</th>
            <th aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {nodes.map((n) => (
            <tr key={n.id} data-testid="node-row" data-node={n.name}>
              <td className="strong">{n.name}</td>
              <td className="mono">
                {n.host}
                {n.port === 22 ? '' : `:${n.port}`}
              </td>
              <td>
                {n.user} <span className="muted small">· {authText(n)}</span>
              </td>
              <td>{ROLE_TEXT[n.role]}</td>
              <td>
                {n.jumpNodeId ? (
                  (byId.get(n.jumpNodeId)?.name ?? '?')
                ) : (
                  <span className="muted">direct</span>
                )}
              </td>
              <td>
                <ConnectionBadge connection={n.connection} />
                {n.connection.state === 'failed' && !n.connection.failure.startsWith('host-key') ? (
                  <div className="small muted reason">{n.connection.reason}</div>
                ) : null}
              </td>
              <td className="row-actions">
                <ConnectAction node={n} onPrompt={onPrompt} />
                <button
                  className="btn small"
                  onClick={() => onEdit(n)}
                  aria-label={`Edit ${n.name}`}
                >
                  Edit
                </button>
                <button
                  className="btn small ghost danger"
                  aria-label={`Remove ${n.name}`}
                  onClick={() => setRemoving(n)}
                >
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function ClusterNodes({ clusterId, clusterName }: { clusterId: string; clusterName: string }) {
  const nodes = useNodes(clusterId);
  const [editing, setEditing] = useState<ClusterNode | 'new' | null>(null);
  const [importing, setImporting] = useState(false);
  const [prompt, setPrompt] = useState<Prompt>(null);
  const client = useRaydeck();
  const connectAll = useMutation({
    mutationFn: (ids: string[]) =>
      Promise.all(ids.map((id) => client.call('nodes.connect', { id }))),
  });
  const list = nodes.data ?? [];
  return (
    <>
      <div className="toolbar">
        <ClusterPicker />
        <div className="toolbar-actions">
          <button className="btn" onClick={() => setImporting(true)}>
            Import…
          </button>
          {list.length ? (
            <button
              className="btn"
              disabled={connectAll.isPending}
              onClick={() =>
                connectAll.mutate(
                  list.filter((n) => n.connection.state !== 'ready').map((n) => n.id),
                )
              }
            >
              {connectAll.isPending ? 'Connecting…' : 'Connect all'}
            </button>
          ) : null}
          <button className="btn primary" onClick={() => setEditing('new')}>
            Add node
          </button>
        </div>
      </div>
      {nodes.isPending ? <div className="skeleton" aria-busy="true" /> : null}
      <ErrorBanner error={nodes.error} prefix="Could not load nodes" />
      <TrustMatching nodes={list} />
      {nodes.data && list.length === 0 ? (
        <div className="empty-state" data-testid="nodes-empty">
          <div className="empty-icon" aria-hidden>
            ▣
          </div>
          <h2>No nodes in {clusterName} yet</h2>
          <p>
            Add the GPU machines Raydeck should reach over SSH: one head and any number of workers,
            directly or through a jump host.
          </p>
          <div className="empty-actions">
            <button className="btn primary" onClick={() => setEditing('new')}>
              Add node
            </button>
            <button className="btn" onClick={() => setImporting(true)}>
              Import from ssh config or testbed
            </button>
          </div>
        </div>
      ) : null}
      {list.length ? (
        <NodesTable clusterId={clusterId} nodes={list} onEdit={setEditing} onPrompt={setPrompt} />
      ) : null}
      {list.length ? <PreflightPanel clusterId={clusterId} nodes={list} /> : null}
      {prompt?.kind === 'trust' ? (
        <TrustDialog node={prompt.node} onClose={() => setPrompt(null)} />
      ) : null}
      {prompt?.kind === 'secret' ? (
        <SecretDialog node={prompt.node} onClose={() => setPrompt(null)} />
      ) : null}
      {importing ? (
        <ImportDialog clusterId={clusterId} onClose={() => setImporting(false)} />
      ) : null}
      {editing ? (
        <NodeFormDialog
          clusterId={clusterId}
          node={editing === 'new' ? null : editing}
          nodes={list}
          onClose={() => setEditing(null)}
        />
      ) : null}
    </>
  );
}

export function NodesPage() {
  const { clusters, current } = useCurrentCluster();
  const go = useShell((s) => s.go);
  if (clusters.isPending) return <div className="skeleton" aria-busy="true" />;
  if (!current)
    return (
      <section className="page">
        <div className="empty-state" data-testid="nodes-no-cluster">
          <h2>Add a cluster first</h2>
          <p>Nodes belong to a cluster. Create one, then come back to add its machines.</p>
          <button className="btn primary" onClick={() => go('clusters')}>
            Go to Clusters
          </button>
        </div>
      </section>
    );
  return (
    <section className="page">
      <ClusterNodes key={current.id} clusterId={current.id} clusterName={current.name} />
    </section>
  );
}
