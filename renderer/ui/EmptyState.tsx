/** An empty page or panel that says what is missing and offers the one next step. */
import type { ReactNode } from 'react';

export function EmptyState({
  testId,
  icon = '▲',
  title,
  text,
  children,
  action,
  onAction,
}: {
  testId: string;
  icon?: string;
  title: string;
  /** One paragraph; or give `children` for more. */
  text?: string;
  children?: ReactNode;
  action?: string;
  onAction?: () => void;
}) {
  return (
    <div className="empty-state" data-testid={testId}>
      <div className="empty-icon" aria-hidden>
        {icon}
      </div>
      <h2>{title}</h2>
      {text ? <p>{text}</p> : null}
      {children}
      {action && onAction ? (
        <button type="button" className="btn primary" onClick={onAction}>
          {action}
        </button>
      ) : null}
    </div>
  );
}
