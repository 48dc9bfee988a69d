/**
 * "Trust every node whose key matches the import" in one step (issue 19): for each node an
 * import vouched for (the testbed's JSON, an ssh config's known_hosts) whose key is not trusted
 * yet, read the key it presents and trust it only if it is exactly a fingerprint the import
 * listed; any other key is left for the per-node review, and the result names both groups.
 */
import { useMutation } from '@tanstack/react-query';
import type { NodeWithState } from '../../../shared';
import { useRaydeck } from '../../app/client-context';
import { ErrorBanner } from '../../ui';

/** Nodes this button can help: an import listed their fingerprint and their key is not trusted yet. */
export function trustCandidates(nodes: readonly NodeWithState[]): NodeWithState[] {
  return nodes.filter(
    (n) =>
      n.vouchedFingerprints.length > 0 &&
      (n.connection.state === 'idle' ||
        (n.connection.state === 'failed' && n.connection.failure === 'host-key-unknown')),
  );
}

export function TrustMatching({ nodes }: { nodes: readonly NodeWithState[] }) {
  const client = useRaydeck();
  const candidates = trustCandidates(nodes);
  const trust = useMutation({
    mutationFn: async (list: NodeWithState[]) => {
      const trusted: string[] = [];
      const review: string[] = [];
      for (const n of list) {
        try {
          const key = await client.call('nodes.hostKey', { id: n.id });
          if (key.status === 'trusted') {
            trusted.push(n.name);
          } else if (key.status === 'unknown' && n.vouchedFingerprints.includes(key.fingerprint)) {
            await client.call('nodes.trust', { id: n.id, fingerprint: key.fingerprint });
            trusted.push(n.name);
          } else {
            review.push(n.name);
            continue;
          }
          void client.call('nodes.connect', { id: n.id }).catch(() => {});
        } catch {
          review.push(n.name);
        }
      }
      return { trusted, review };
    },
  });
  if (candidates.length === 0 && !trust.data) return null;
  return (
    <div className="trust-matching" data-testid="trust-matching">
      {candidates.length ? (
        <button
          type="button"
          className="btn primary"
          onClick={() => trust.mutate(candidates)}
          disabled={trust.isPending}
        >
          {trust.isPending
            ? 'Checking keys…'
            : `Trust ${candidates.length === 1 ? '1 node' : `${candidates.length} nodes`} whose key matches the import`}
        </button>
      ) : null}
      {trust.data ? (
        <div
          className={trust.data.review.length ? 'banner warn bu-banner' : 'banner'}
          role="status"
          data-testid="trust-matching-result"
        >
          {trust.data.trusted.length
            ? `Trusted the key of ${trust.data.trusted.join(', ')} (it matched the import).`
            : 'No key matched the import.'}
          {trust.data.review.length
            ? ` Review ${trust.data.review.join(', ')} one by one: the key presented is not one the import listed, or could not be read.`
            : ''}
        </div>
      ) : null}
      <ErrorBanner error={trust.error} />
    </div>
  );
}
