/**
 * Asks before draining a worker out of the running cluster and removing it from the inventory,
 * naming the node and what happens to its work. Focus starts on "Keep" so Enter does no harm,
 * Escape closes, and focus goes back to the button that opened the dialog.
 */
import { useEffect, useRef } from 'react';

export function ConfirmRemoveWorkerDialog({ nodeName, clusterName, onConfirm, onClose }: { nodeName: string; clusterName: string; onConfirm: () => void; onClose: () => void }) {
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    keep.current?.focus();
    return () => {
      if (opener?.isConnected && !(opener as HTMLButtonElement).disabled) opener.focus();
    };
  }, []);
  return (
    <div className="overlay" role="presentation" onClick={onClose}>
      <div
        className="dialog danger-dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="bu-remove-title"
        aria-describedby="bu-remove-body"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => e.key === 'Escape' && onClose()}
        data-testid="remove-worker-confirm"
      >
        <h2 id="bu-remove-title">Drain and remove {nodeName}?</h2>
        <p id="bu-remove-body">
          Ray stops scheduling on {nodeName}, Serve moves its replicas, then Ray stops there and {nodeName} leaves the inventory of <strong>{clusterName}</strong>. To
          bring it back, add it on the Nodes page again.
        </p>
        <div className="dialog-actions">
          <button ref={keep} type="button" className="btn ghost" onClick={onClose}>
            Keep {nodeName}
          </button>
          <button type="button" className="btn danger-solid" onClick={onConfirm}>
            Drain and remove
          </button>
        </div>
      </div>
    </div>
  );
}
