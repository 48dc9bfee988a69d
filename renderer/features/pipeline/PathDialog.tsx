/**
 * Open or save a pipeline by path (the file picker of browser mode, where the page cannot see
 * the disk): a path field checked as typed, the pipelines the core knows listed to pick from,
 * and the core's refusal shown in the dialog. Opening a Serve config Raydeck compiled shows its
 * graph; a hand-written one opens as a read-only graph of its deployments.
 */
import { useState, type FormEvent } from 'react';
import { Dialog, ErrorBanner, useSingleFlight } from '../../ui';

export interface KnownPipelineFile {
  path: string;
  name: string;
}

export function PathDialog({
  mode,
  initial,
  files,
  busy,
  error,
  onSubmit,
  onClose,
}: {
  mode: 'open' | 'save';
  initial: string;
  files: readonly KnownPipelineFile[];
  busy: boolean;
  error: unknown;
  onSubmit(path: string, done: () => void): void;
  onClose(): void;
}) {
  const [path, setPath] = useState(initial);
  const once = useSingleFlight();
  const t = path.trim();
  const problem = !t
    ? 'Give a path.'
    : mode === 'save' && !/\.ya?ml$/i.test(t)
      ? 'A pipeline is saved as YAML: end the name with .yaml.'
      : null;
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (problem || busy) return;
    once((done) => onSubmit(t, done));
  };
  const title = mode === 'open' ? 'Open a pipeline' : 'Save the pipeline';
  return (
    <Dialog
      title={title}
      onClose={onClose}
      onSubmit={submit}
      testId={`pipeline-${mode}-dialog`}
      actions={
        <>
          <button type="button" className="btn ghost" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="btn primary" disabled={Boolean(problem) || busy}>
            {busy ? (mode === 'open' ? 'Opening…' : 'Saving…') : mode === 'open' ? 'Open' : 'Save'}
          </button>
        </>
      }
    >
      <div className="field">
        <label htmlFor="pipeline-path">Path</label>
        <input
          id="pipeline-path"
          value={path}
          autoFocus
          spellCheck={false}
          placeholder={
            mode === 'open'
              ? '~/pipelines/rag.pipeline.yaml or a Serve config'
              : '~/pipelines/rag.pipeline.yaml'
          }
          aria-invalid={Boolean(problem) && path !== ''}
          onChange={(e) => setPath(e.target.value)}
        />
        {problem && path !== '' ? <small className="field-error">{problem}</small> : null}
        <small className="muted">
          {mode === 'open'
            ? 'A pipeline file, or a Serve config: one Raydeck compiled opens as its graph, a hand-written one as a read-only graph.'
            : 'On the machine the Raydeck core runs on.'}
        </small>
      </div>
      {files.length ? (
        <div className="pl-files">
          <div className="muted small">Known pipelines</div>
          <ul>
            {files.map((f) => (
              <li key={f.path}>
                <button type="button" className="linklike" onClick={() => setPath(f.path)}>
                  {f.name}
                </button>{' '}
                <span className="mono muted small">{f.path}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <ErrorBanner
        error={error}
        prefix={mode === 'open' ? 'Not opened' : 'Not saved'}
        testId="pipeline-path-error"
      />
    </Dialog>
  );
}
