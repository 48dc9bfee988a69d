/**
 * The one dialog frame every dialog uses: a dimmed overlay (a click on it closes), role="dialog"
 * with aria-modal and its title as the accessible name, Escape to close, focus moved in on open
 * (to the first field or button, unless the content already took it), Tab kept inside, and
 * focus handed back to the opener on close. Its actions stay in view when the content scrolls
 * (issue 19: the Add-node dialog's buttons were cut off at 800 px height).
 */
import {
  useEffect,
  useId,
  useRef,
  type FormEvent,
  type KeyboardEvent,
  type ReactNode,
} from 'react';

const FOCUSABLE =
  'input:not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled]), [href], [tabindex]:not([tabindex="-1"])';

export interface DialogProps {
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
  /** The buttons row, kept in view at the bottom of the dialog. */
  actions?: ReactNode;
  /** A form dialog submits on Enter. */
  onSubmit?: (e: FormEvent) => void;
  /** Red frame: the action cannot be undone. */
  danger?: boolean;
  wide?: boolean;
  /** The id of the element that describes the dialog (its body text). */
  describedBy?: string;
  testId?: string;
}

export function Dialog({
  title,
  onClose,
  children,
  actions,
  onSubmit,
  danger,
  wide,
  describedBy,
  testId,
}: DialogProps) {
  const titleId = useId();
  const frame = useRef<HTMLElement | null>(null);
  const close = useRef(onClose);
  close.current = onClose;

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const el = frame.current;
    // A child that focused its own field first (it mounts before this effect runs) keeps it.
    if (el && !el.contains(document.activeElement))
      el.querySelector<HTMLElement>(FOCUSABLE)?.focus();
    return () => {
      if (opener?.isConnected && !(opener as HTMLButtonElement).disabled) opener.focus();
    };
  }, []);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      close.current();
      return;
    }
    if (e.key !== 'Tab' || !frame.current) return;
    const items = [...frame.current.querySelectorAll<HTMLElement>(FOCUSABLE)];
    if (items.length === 0) return;
    const first = items[0]!;
    const last = items[items.length - 1]!;
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  };

  const className = ['dialog', wide ? 'wide' : '', danger ? 'danger-dialog' : '']
    .filter(Boolean)
    .join(' ');
  const body = (
    <>
      <h2 id={titleId}>{title}</h2>
      <div className="dialog-body">{children}</div>
      {actions ? <div className="dialog-actions dialog-footer">{actions}</div> : null}
    </>
  );
  const common = {
    className,
    role: 'dialog',
    'aria-modal': true,
    'aria-labelledby': titleId,
    'aria-describedby': describedBy,
    'data-testid': testId,
    onClick: (e: { stopPropagation(): void }) => e.stopPropagation(),
    onKeyDown,
  } as const;
  return (
    <div className="overlay" role="presentation" onClick={() => close.current()}>
      {onSubmit ? (
        <form ref={(el) => void (frame.current = el)} {...common} onSubmit={onSubmit} noValidate>
          {body}
        </form>
      ) : (
        <div ref={(el) => void (frame.current = el)} {...common}>
          {body}
        </div>
      )}
    </div>
  );
}

/**
 * A form dialog's buttons row: Cancel, then the submit button, disabled while `busy` (showing
 * `busyLabel`, when given) or when `disabled`.
 */
export function SubmitActions({
  onCancel,
  label,
  busyLabel,
  busy = false,
  disabled = false,
}: {
  onCancel: () => void;
  label: ReactNode;
  busyLabel?: ReactNode;
  busy?: boolean;
  disabled?: boolean;
}) {
  return (
    <>
      <button type="button" className="btn ghost" onClick={onCancel}>
        Cancel
      </button>
      <button type="submit" className="btn primary" disabled={busy || disabled}>
        {busy && busyLabel !== undefined ? busyLabel : label}
      </button>
    </>
  );
}
