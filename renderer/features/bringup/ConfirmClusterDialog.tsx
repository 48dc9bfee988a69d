/**
 * Asks before stopping or tearing down the Ray cluster; tearing down can also remove the
 * Raydeck virtualenv from every node. Focus starts on "Keep running" so Enter does no harm.
 */
import { useEffect, useRef, useState } from 'react';
import type { ClusterAction } from './use-cluster-ops';

const TEXT: Record<ClusterAction, { title: string; body: string; confirm: string }> = {
  stop: {
    title: 'Stop Ray on every node?',
    body: 'Workers stop first, then the head. Serve applications and their replicas stop with them; "Start" brings Ray back.',
    confirm: 'Stop Ray',
  },
  down: {
    title: 'Tear the cluster down?',
    body: 'Ray stops on every node. The nodes stay in Raydeck; a new bring-up sets them up again.',
    confirm: 'Tear down',
  },
};

export function ConfirmClusterDialog({ action, clusterName, onConfirm, onClose }: { action: ClusterAction; clusterName: string; onConfirm: (uninstall: boolean) => void; onClose: () => void }) {
  const [uninstall, setUninstall] = useState(false);
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => keep.current?.focus(), []);
  const t = TEXT[action];
  return (
    <div className="overlay" role="presentation" onClick={onClose}>
      <div
        className="dialog danger-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="bu-confirm-title"
        aria-describedby="bu-confirm-body"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => e.key === 'Escape' && onClose()}
        data-testid="cluster-confirm"
      >
        <h2 id="bu-confirm-title">{t.title}</h2>
        <p id="bu-confirm-body">
          <strong>{clusterName}</strong>: {t.body}
        </p>
        {action === 'down' ? (
          <label className="checkbox">
            <input type="checkbox" checked={uninstall} onChange={(e) => setUninstall(e.target.checked)} />
            Also remove the virtualenv (Ray, vLLM and their packages) from every node
          </label>
        ) : null}
        <div className="dialog-actions">
          <button ref={keep} type="button" className="btn ghost" onClick={onClose}>
            Keep running
          </button>
          <button type="button" className="btn danger-solid" onClick={() => onConfirm(uninstall)}>
            {t.confirm}
          </button>
        </div>
      </div>
    </div>
  );
}
