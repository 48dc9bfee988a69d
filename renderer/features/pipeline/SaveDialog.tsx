/**
 * Save the pipeline by path (the file picker of browser mode, where the page cannot see the
 * disk): a name saves under $RAYDECK_HOME/pipelines, an absolute path saves there; the name
 * must end in .pipeline.yaml (checked as typed). The core's refusal shows in the dialog.
 */
import { useState, type FormEvent } from 'react';
import { Dialog, ErrorBanner, SubmitActions, useSingleFlight } from '../../ui';

/** The problem with a pipeline file path as typed, or null. */
export function pipelinePathProblem(path: string): string | null {
  const t = path.trim();
  if (!t) return 'Give a name or a path.';
  if (!t.endsWith('.pipeline.yaml')) return 'A pipeline file ends in .pipeline.yaml.';
  return null;
}

export function SaveDialog({
  initial,
  busy,
  error,
  onSubmit,
  onClose,
}: {
  initial: string;
  busy: boolean;
  error: unknown;
  onSubmit(path: string, done: () => void): void;
  onClose(): void;
}) {
  const [path, setPath] = useState(initial);
  const once = useSingleFlight();
  const problem = pipelinePathProblem(path);
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (problem || busy) return;
    once((done) => onSubmit(path.trim(), done));
  };
  return (
    <Dialog
      title="Save the pipeline"
      onClose={onClose}
      onSubmit={submit}
      testId="pipeline-save-dialog"
      actions={
        <SubmitActions
          onCancel={onClose}
          label="Save"
          busyLabel="Saving…"
          busy={busy}
          disabled={Boolean(problem)}
        />
      }
    >
      <div className="field">
        <label htmlFor="pipeline-save-path">Path</label>
        <input
          id="pipeline-save-path"
          value={path}
          spellCheck={false}
          placeholder="rag.pipeline.yaml"
          aria-invalid={Boolean(problem)}
          onChange={(e) => setPath(e.target.value)}
        />
        {problem ? (
          <small className="field-error">{problem}</small>
        ) : (
          <small className="muted">
            A name saves under Raydeck's pipelines folder; an absolute path saves there, on the
            machine the Raydeck core runs on.
          </small>
        )}
      </div>
      <ErrorBanner error={error} prefix="Not saved" testId="pipeline-path-error" />
    </Dialog>
  );
}
