/**
 * The red banner for an error: the core's typed message (never a stack), with an optional
 * lead-in ("Could not load the nodes"), or the children's own words (an operation's error text,
 * a refusal, a warning about a host key). Renders nothing when there is no error.
 */
import type { ReactNode } from 'react';
import { errorText } from '../app/error-text';

export function ErrorBanner({
  error,
  prefix,
  testId,
  className,
  children,
}: {
  error: unknown;
  prefix?: string;
  testId?: string;
  /** Extra classes beside `banner error`. */
  className?: string;
  children?: ReactNode;
}) {
  if (!error) return null;
  return (
    <div
      className={className ? `banner error ${className}` : 'banner error'}
      role="alert"
      data-testid={testId}
    >
      {prefix ? `${prefix}: ` : ''}
      {children ?? errorText(error)}
    </div>
  );
}
