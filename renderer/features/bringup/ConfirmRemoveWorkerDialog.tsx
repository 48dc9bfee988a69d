/**
 * Asks before draining a worker out of the running cluster and removing it from the inventory,
 * naming the node and what happens to its work. Focus starts on "Keep" so Enter does no harm,
 * Escape closes, and focus goes back to the button that opened the dialog.
 */
import { ConfirmDialog } from '../../ui';

export function ConfirmRemoveWorkerDialog({
  nodeName,
  clusterName,
  onConfirm,
  onClose,
}: {
  nodeName: string;
  clusterName: string;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <ConfirmDialog
      testId="remove-worker-confirm"
      title={`Drain and remove ${nodeName}?`}
      body={
        <>
          Ray stops scheduling on {nodeName}, Serve moves its replicas, then Ray stops there and{' '}
          {nodeName} leaves the inventory of <strong>{clusterName}</strong>. To bring it back, add
          it on the Nodes page again.
        </>
      }
      confirm="Drain and remove"
      cancel={`Keep ${nodeName}`}
      onClose={onClose}
      onConfirm={onConfirm}
    />
  );
}
