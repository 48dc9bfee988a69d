/**
 * The red banner for an error from a call: the core's typed message (never a stack), with an
 * optional lead-in ("Could not load the nodes"). Renders nothing when there is no error.
 */
import type { ReactNode } from 'react';
import { errorText } from '../app/error-text';

export function ErrorBanner({
  error,
  prefix,
  testId,
  children,
}: {
  error: unknown;
  prefix?: string;
  testId?: string;
  children?: ReactNode;
}) {
  if (!error) return null;
  return (
    <div className="banner error" role="alert" data-testid={testId}>
      {prefix ? `${prefix}: ` : ''}
      {children ?? errorText(error)}
    </div>
  );
}
