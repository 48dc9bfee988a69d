/** Small form parts shared by dialogs: a labelled field that shows the core's error for its path. */
import type { ReactNode } from 'react';
import { fieldIssues } from './error-text';

export function Field({
  label,
  path,
  error,
  hint,
  children,
}: {
  label: string;
  path: string;
  error: unknown;
  hint?: ReactNode;
  children: ReactNode;
}) {
  const issues = error ? fieldIssues(error, path) : [];
  return (
    <label className="field">
      <span>{label}</span>
      {children}
      {issues.length ? (
        <small className="field-error" data-testid={`error-${path}`}>
          {label} {issues.join('; ')}
        </small>
      ) : hint ? (
        <small className="muted">{hint}</small>
      ) : null}
    </label>
  );
}

/** Errors whose path matches no visible field still have to be shown somewhere. */
export function unplacedIssues(error: unknown, placed: string[]): string[] {
  const all = (error as { issues?: { path: string; message: string }[] } | null)?.issues ?? [];
  return all.filter((i) => !placed.includes(i.path)).map((i) => `${i.path}: ${i.message}`);
}
