/**
 * The Serve page's file dialogs, drawn like the Pipeline page's open and save (a path typed in:
 * browser mode has no native file dialog and the page cannot see the disk, so paths are on the
 * machine the core runs on): a path dialog for Open, Import RayService and Save as; the pick of
 * one RayService in a manifest that holds several; and Export RayService (to a file, or the
 * manifest shown to copy). The core's refusal shows in the dialog.
 */
import { useState, type FormEvent } from 'react';
import {
  Dialog,
  ErrorBanner,
  PathDialog as KitPathDialog,
  PathField,
  useSingleFlight,
  type PathDialogProps,
} from '../../ui';

/** The problem with a path as typed, or null (the core checks the rest). */
export function servePathProblem(path: string): string | null {
  const t = path.trim();
  if (!t) return 'Give a path.';
  if (!t.startsWith('/') && !t.startsWith('~') && !/^[A-Za-z]:[\\/]/.test(t))
    return 'Give an absolute path, or one starting with ~/.';
  return null;
}

/** The Serve page's path dialog (Open, Import RayService, Save as): the kit's, with Serve's path rule. */
export function PathDialog(
  p: Omit<PathDialogProps, 'problem' | 'placeholder' | 'hint' | 'errorPrefix' | 'errorTestId'>,
) {
  return (
    <KitPathDialog
      {...p}
      problem={servePathProblem}
      placeholder="~/serve/config.yaml"
      hint={CORE_MACHINE}
      errorPrefix="Not done"
      errorTestId="serve-file-error"
    />
  );
}

const CORE_MACHINE = 'On the machine the Raydeck core runs on.';

/** A manifest with several RayServices: which one goes into the editor. */
export function RayServicePicker({
  path,
  services,
  busy,
  onPick,
}: {
  path: string;
  services: readonly { name: string; documentIndex: number }[];
  busy: boolean;
  onPick(documentIndex: number): void;
}) {
  return (
    <div className="pl-files" data-testid="serve-rayservice-pick">
      <div className="muted small">
        {path} holds {services.length} RayServices: open one.
      </div>
      <ul>
        {services.map((s) => (
          <li key={s.documentIndex}>
            <button
              type="button"
              className="linklike"
              disabled={busy}
              onClick={() => onPick(s.documentIndex)}
            >
              {s.name}
            </button>{' '}
            <span className="muted small">document {s.documentIndex + 1}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

const K8S_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

export function ExportDialog({
  initialName,
  busy,
  error,
  manifest,
  onExport,
  onShow,
  onClose,
}: {
  initialName: string;
  busy: boolean;
  error: unknown;
  /** The manifest to copy, once asked for. */
  manifest: string | null;
  onExport(input: { name: string; path: string }, done: () => void): void;
  onShow(name: string, done: () => void): void;
  onClose(): void;
}) {
  const [name, setName] = useState(initialName);
  const [path, setPath] = useState('');
  const [copied, setCopied] = useState(false);
  const once = useSingleFlight();
  const nameProblem = K8S_NAME.test(name)
    ? null
    : 'A Kubernetes name: lower-case letters, digits and -.';
  const pathProblem = servePathProblem(path);
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (nameProblem || pathProblem || busy) return;
    once((done) => onExport({ name, path: path.trim() }, done));
  };
  return (
    <Dialog
      title="Export as a KubeRay RayService"
      onClose={onClose}
      onSubmit={submit}
      wide
      testId="serve-export-dialog"
      actions={
        <>
          <button type="button" className="btn ghost" onClick={onClose}>
            Close
          </button>
          <button
            type="button"
            className="btn"
            disabled={Boolean(nameProblem) || busy}
            onClick={() => once((done) => onShow(name, done))}
          >
            Show the manifest
          </button>
          <button
            type="submit"
            className="btn primary"
            disabled={Boolean(nameProblem) || Boolean(pathProblem) || busy}
          >
            {busy ? 'Exporting…' : 'Export'}
          </button>
        </>
      }
    >
      <p className="muted small">
        The config goes into spec.serveConfigV2 as written, comments kept; size the worker group in
        the manifest for your cluster.
      </p>
      <div className="field">
        <label htmlFor="serve-export-name">RayService name</label>
        <input
          id="serve-export-name"
          value={name}
          spellCheck={false}
          aria-invalid={Boolean(nameProblem)}
          onChange={(e) => setName(e.target.value)}
        />
        {nameProblem ? <small className="field-error">{nameProblem}</small> : null}
      </div>
      <PathField
        id="serve-export-path"
        value={path}
        onChange={setPath}
        problem={pathProblem}
        placeholder="~/k8s/rayservice.yaml"
        hint={CORE_MACHINE}
      />
      {manifest !== null ? (
        <div className="field">
          <label htmlFor="serve-export-text">Manifest</label>
          <textarea
            id="serve-export-text"
            className="mono"
            rows={12}
            readOnly
            value={manifest}
            data-testid="serve-export-text"
          />
          <button
            type="button"
            className="btn small"
            onClick={() =>
              void navigator.clipboard
                ?.writeText(manifest)
                .then(() => setCopied(true))
                .catch(() => setCopied(false))
            }
          >
            {copied ? 'Copied' : 'Copy'}
          </button>
        </div>
      ) : null}
      <ErrorBanner error={error} prefix="Not exported" testId="serve-file-error" />
    </Dialog>
  );
}
