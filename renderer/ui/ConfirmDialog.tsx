/**
 * Asks before something that cannot be undone (or is expensive to undo): a title that names the
 * thing, what happens, an optional extra (a checkbox), and two buttons. Focus starts on the safe
 * button so Enter does no harm; Escape and the overlay cancel.
 */
import { useEffect, useRef, type ReactNode } from 'react';
import { Dialog } from './Dialog';

export interface ConfirmDialogProps {
  title: ReactNode;
  /** What will happen, in a sentence or two. */
  body: ReactNode;
  /** The label of the button that does it ("Remove", "Tear down"). */
  confirm: string;
  /** The label of the safe button ("Keep lab"). */
  cancel?: string;
  onConfirm: () => void;
  onClose: () => void;
  /** Red frame and button (default true: this dialog is mostly for removals). */
  danger?: boolean;
  /** Disables the confirm button (e.g. while the work starts). */
  busy?: boolean;
  children?: ReactNode;
  testId?: string;
}

export function ConfirmDialog({
  title,
  body,
  confirm,
  cancel = 'Cancel',
  onConfirm,
  onClose,
  danger = true,
  busy = false,
  children,
  testId,
}: ConfirmDialogProps) {
  const safe = useRef<HTMLButtonElement>(null);
  useEffect(() => safe.current?.focus(), []);
  const bodyId = `${testId ?? 'confirm'}-body`;
  return (
    <Dialog
      title={title}
      onClose={onClose}
      danger={danger}
      describedBy={bodyId}
      testId={testId}
      actions={
        <>
          <button ref={safe} type="button" className="btn ghost" onClick={onClose}>
            {cancel}
          </button>
          <button
            type="button"
            className={danger ? 'btn danger-solid' : 'btn primary'}
            onClick={onConfirm}
            disabled={busy}
          >
            {confirm}
          </button>
        </>
      }
    >
      <p id={bodyId}>{body}</p>
      {children}
    </Dialog>
  );
}
