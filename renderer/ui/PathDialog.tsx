/**
 * A path typed in, the file picker of browser mode (the page cannot see the disk; paths are on
 * the machine the Raydeck core runs on): `PathField` (label, input, the path's problem as typed
 * or a hint) and `PathDialog` (a dialog around one path: submit once, disabled while the path has
 * a problem or the call runs, the core's refusal in a banner). The Pipeline and Serve pages'
 * open / save / export dialogs are drawn with these.
 */
import { useState, type FormEvent, type ReactNode } from 'react';
import { Dialog, SubmitActions } from './Dialog';
import { FieldRow } from './FieldRow';
import { ErrorBanner } from './ErrorBanner';
import { useSingleFlight } from './use-single-flight';

export function PathField({
  id,
  value,
  onChange,
  problem,
  placeholder,
  hint,
  label = 'Path',
}: {
  id: string;
  value: string;
  onChange(value: string): void;
  /** The path's problem as typed (shown once something is typed), or null. */
  problem: string | null;
  placeholder: string;
  /** Shown while there is no problem to show. */
  hint?: ReactNode;
  label?: string;
}) {
  const shown = value !== '' && problem ? problem : null;
  return (
    <FieldRow id={id} label={label} error={shown} hint={hint}>
      {(fieldId, describedBy) => (
        <input
          id={fieldId}
          value={value}
          spellCheck={false}
          placeholder={placeholder}
          aria-invalid={Boolean(shown)}
          aria-describedby={describedBy}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </FieldRow>
  );
}

export interface PathDialogProps {
  title: string;
  submitLabel: string;
  busyLabel: string;
  initial: string;
  /** The problem with a path as typed, or null (the core checks the rest). */
  problem(path: string): string | null;
  placeholder: string;
  hint: ReactNode;
  busy: boolean;
  error: unknown;
  /** The banner's prefix for the core's refusal ("Not saved"). */
  errorPrefix: string;
  errorTestId: string;
  onSubmit(path: string, done: () => void): void;
  onClose(): void;
  testId: string;
  children?: ReactNode;
}

export function PathDialog(p: PathDialogProps) {
  const [path, setPath] = useState(p.initial);
  const once = useSingleFlight();
  const problem = p.problem(path);
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (problem || p.busy) return;
    once((done) => p.onSubmit(path.trim(), done));
  };
  return (
    <Dialog
      title={p.title}
      onClose={p.onClose}
      onSubmit={submit}
      testId={p.testId}
      actions={
        <SubmitActions
          onCancel={p.onClose}
          label={p.submitLabel}
          busyLabel={p.busyLabel}
          busy={p.busy}
          disabled={Boolean(problem)}
        />
      }
    >
      <PathField
        id={`${p.testId}-path`}
        value={path}
        onChange={setPath}
        problem={problem}
        placeholder={p.placeholder}
        hint={p.hint}
      />
      {p.children}
      <ErrorBanner error={p.error} prefix={p.errorPrefix} testId={p.errorTestId} />
    </Dialog>
  );
}
