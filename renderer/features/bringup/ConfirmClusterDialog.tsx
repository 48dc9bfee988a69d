/**
 * Asks before stopping or tearing down the Ray cluster; tearing down can also remove the
 * Raydeck virtualenv from every node. Focus starts on "Keep running" so Enter does no harm.
 */
import { useState } from 'react';
import { ConfirmDialog } from '../../ui';
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

export function ConfirmClusterDialog({
  action,
  clusterName,
  onConfirm,
  onClose,
}: {
  action: ClusterAction;
  clusterName: string;
  onConfirm: (uninstall: boolean) => void;
  onClose: () => void;
}) {
  const [uninstall, setUninstall] = useState(false);
  const t = TEXT[action];
  return (
    <ConfirmDialog
      testId="cluster-confirm"
      title={t.title}
      body={
        <>
          <strong>{clusterName}</strong>: {t.body}
        </>
      }
      confirm={t.confirm}
      cancel="Keep running"
      onClose={onClose}
      onConfirm={() => onConfirm(uninstall)}
    >
      {action === 'down' ? (
        <label className="checkbox">
          <input
            type="checkbox"
            checked={uninstall}
            onChange={(e) => setUninstall(e.target.checked)}
          />
          Also remove the virtualenv (Ray, vLLM and their packages) from every node
        </label>
      ) : null}
    </ConfirmDialog>
  );
}
