/**
 * Save the pipeline by path (the file picker of browser mode, where the page cannot see the
 * disk): a name saves under $RAYDECK_HOME/pipelines, an absolute path saves there; the name
 * must end in .pipeline.yaml (checked as typed). The core's refusal shows in the dialog.
 */
import { PathDialog } from '../../ui';

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
  return (
    <PathDialog
      title="Save the pipeline"
      submitLabel="Save"
      busyLabel="Saving…"
      initial={initial}
      problem={pipelinePathProblem}
      placeholder="rag.pipeline.yaml"
      hint="A name saves under Raydeck's pipelines folder; an absolute path saves there, on the machine the Raydeck core runs on."
      busy={busy}
      error={error}
      errorPrefix="Not saved"
      errorTestId="pipeline-path-error"
      testId="pipeline-save-dialog"
      onSubmit={onSubmit}
      onClose={onClose}
    />
  );
}
