/**
 * One labelled form field of the UI kit: the label, the control (drawn by `children` with its
 * id and the id of the message below it, for aria-describedby), then the error, else the hint.
 * The Pipeline page's side form and the path fields of the open / save dialogs are drawn with it.
 */
import { useId, type ReactNode } from 'react';

export function FieldRow({
  label,
  error,
  hint,
  id: givenId,
  className = 'field',
  children,
}: {
  label: string;
  error?: string | null;
  hint?: ReactNode;
  /** The control's id (default: one of React's). */
  id?: string;
  className?: string;
  children: (id: string, describedBy: string | undefined) => ReactNode;
}) {
  const ownId = useId();
  const id = givenId ?? ownId;
  const msg = `${id}-msg`;
  return (
    <div className={className}>
      <label htmlFor={id}>{label}</label>
      {children(id, error || hint ? msg : undefined)}
      {error ? (
        <small id={msg} className="field-error" data-testid="field-error">
          {error}
        </small>
      ) : hint ? (
        <small id={msg} className="muted">
          {hint}
        </small>
      ) : null}
    </div>
  );
}
