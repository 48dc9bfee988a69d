/**
 * Trust on first use, and the hard stop for a changed key. Shows the key the node presents now
 * (SHA-256 fingerprint exactly as `ssh-keygen -lf` prints it), compares it with what an import
 * source vouched for, and trusts only that fingerprint. A changed key needs an explicit
 * confirmation and the button names the new fingerprint.
 */
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { ClusterNode } from '../../../shared';
import { useRaydeck } from '../../app/client-context';
import { Dialog, ErrorBanner } from '../../ui';
import { useHostKey } from './use-nodes';

export function TrustDialog({ node, onClose }: { node: ClusterNode; onClose: () => void }) {
  const client = useRaydeck();
  const [confirmed, setConfirmed] = useState(false);
  const key = useHostKey(node.id);
  const trust = useMutation({
    mutationFn: async (fingerprint: string) => {
      await client.call('nodes.trust', { id: node.id, fingerprint });
      return client.call('nodes.connect', { id: node.id });
    },
    onSuccess: onClose,
  });
  const info = key.data;
  const changed = info?.status === 'changed';
  const vouched = node.vouchedFingerprints;
  const matchesVouched = info ? vouched.includes(info.fingerprint) : false;

  return (
    <Dialog
      title={changed ? `Host key of ${node.name} CHANGED` : `Trust the host key of ${node.name}?`}
      onClose={onClose}
      wide
      danger={changed}
      actions={
        <>
          <button className="btn ghost" onClick={onClose}>
            Cancel
          </button>
          {info && (info.status === 'unknown' || info.status === 'changed') ? (
            <button
              className={changed ? 'btn danger-solid' : 'btn primary'}
              disabled={trust.isPending || (changed && !confirmed)}
              onClick={() => trust.mutate(info.fingerprint)}
              data-testid="trust-button"
            >
              {changed
                ? `Accept new key ${info.fingerprint.slice(0, 19)}…`
                : `Trust ${info.fingerprint.slice(0, 19)}…`}
            </button>
          ) : null}
        </>
      }
    >
      {key.isPending ? (
        <div className="skeleton" aria-busy="true" aria-label="Reading the host key" />
      ) : null}
      <ErrorBanner error={key.error} />
      {info ? (
        <>
          {changed ? (
            <ErrorBanner error>
              {node.host}:{node.port} now presents a different key than the one Raydeck trusted.
              This happens when the machine was reinstalled or its keys regenerated — or when
              someone is intercepting the connection. Raydeck will not connect until you accept the
              new key.
            </ErrorBanner>
          ) : info.status === 'revoked' ? (
            <ErrorBanner error>
              This key is marked @revoked in {info.known[0]?.source}. Raydeck will not use it.
            </ErrorBanner>
          ) : info.status === 'trusted' ? (
            <p>This key is already trusted ({info.known[0]?.source}).</p>
          ) : (
            <p>
              Raydeck has never connected to {node.host}:{node.port}. Check that this fingerprint is
              the machine's own before trusting it (on the node:{' '}
              <code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code>).
            </p>
          )}
          <dl className="key-facts">
            <dt>Presented key</dt>
            <dd>
              <span className="mono fingerprint" data-testid="presented-fingerprint">
                {info.fingerprint}
              </span>{' '}
              <span className="muted">({info.algorithm})</span>
            </dd>
            {changed
              ? info.known.map((k) => (
                  <div key={k.fingerprint + k.source}>
                    <dt>Trusted before</dt>
                    <dd>
                      <span className="mono fingerprint">{k.fingerprint}</span>{' '}
                      <span className="muted">({k.source})</span>
                    </dd>
                  </div>
                ))
              : null}
            {vouched.length ? (
              <>
                <dt>Import source</dt>
                <dd className={matchesVouched ? 'ok-text' : 'bad-text'} data-testid="vouched-match">
                  {matchesVouched
                    ? '✓ matches the fingerprint the import listed'
                    : `✗ does NOT match the fingerprint the import listed (${vouched.join(', ')})`}
                </dd>
              </>
            ) : null}
          </dl>
          {changed ? (
            <label className="checkbox">
              <input
                type="checkbox"
                checked={confirmed}
                onChange={(e) => setConfirmed(e.target.checked)}
              />
              I confirmed the new fingerprint with the machine's owner
            </label>
          ) : null}
        </>
      ) : null}
      <ErrorBanner error={trust.error} />
    </Dialog>
  );
}
