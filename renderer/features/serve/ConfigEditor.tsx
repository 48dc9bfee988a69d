/**
 * The config being edited, in a form or as YAML (one text, both editors in sync), with the
 * validator's findings (inline in the YAML editor, and as a list under both editors that jumps
 * to the line) and "Review changes". Where the text came from is said above it: the file's name
 * with • while the editor holds unsaved changes, and the file toolbar under it.
 */
import { lazy, Suspense, useState, type ReactNode } from 'react';
import { formatConfigPath } from '../../../shared';
import type { ServeFinding } from './use-serve';
import { ConfigForm } from './ConfigForm';
import { diagnosticText } from './yaml-diagnostics';
import { useServeUi, type ServeDraft } from './serve-draft-store';

// CodeMirror is most of the page's weight: load it when the YAML editor first shows (its own chunk).
const loadYamlEditor = () => import('./YamlEditor');
const YamlEditor = lazy(() => loadYamlEditor().then((m) => ({ default: m.YamlEditor })));
/** Starts fetching the editor's chunk early (the page calls it on mount, before the config loads). */
export const preloadYamlEditor = (): void => void loadYamlEditor();

const fileName = (p: string) => p.split(/[\\/]/).pop() ?? p;

function sourceText(d: ServeDraft): string {
  const edited = d.text !== d.base ? ' (edited)' : '';
  if (d.file?.rayService) {
    const r = d.file.rayService;
    return `RayService "${r.name}" (document ${r.documentIndex + 1} of ${r.documents}; serveConfigV2 from line ${r.line}) of ${d.file.path}${edited}`;
  }
  if (d.file) return `${d.file.path}${edited}`;
  if (d.source.kind === 'history') return `From v${d.source.version} of the history${edited}`;
  if (d.source.kind === 'live') return `From the config the cluster runs${edited}`;
  return `New config${edited}`;
}

export interface ConfigEditorProps {
  draft: ServeDraft;
  onText(text: string): void;
  diagnostics: readonly ServeFinding[];
  /** Validation has not caught up with the text yet. */
  checking: boolean;
  onReview(): void;
  reviewing: boolean;
  canReview: boolean;
  onStartFrom(kind: 'live' | 'template'): void;
  hasLive: boolean;
  /** The file toolbar (Open, Save, ...). */
  fileBar?: ReactNode;
}

export function ConfigEditor({
  draft,
  onText,
  diagnostics,
  checking,
  onReview,
  reviewing,
  canReview,
  onStartFrom,
  hasLive,
  fileBar,
}: ConfigEditorProps) {
  const editor = useServeUi((s) => s.editor);
  const setEditor = useServeUi((s) => s.setEditor);
  const [jumpTo, setJumpTo] = useState<{ line: number; column: number } | null>(null);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  return (
    <section className="panel serve-editor" aria-label="Serve config" data-testid="serve-editor">
      <div className="panel-head">
        <h3 data-testid="serve-file-name">
          {draft.file ? fileName(draft.file.path) : 'Config'}
          {draft.text !== draft.base ? (
            <span className="serve-dirty" title="Unsaved changes" aria-label="unsaved changes">
              {' •'}
            </span>
          ) : null}
        </h3>
        <span className="muted small" data-testid="serve-draft-source">
          {sourceText(draft)}
        </span>
        <span className="bu-spacer" />
        <div className="segmented" role="tablist" aria-label="Editor">
          {(['form', 'yaml'] as const).map((e) => (
            <button
              key={e}
              type="button"
              role="tab"
              aria-selected={editor === e}
              className={editor === e ? 'active' : ''}
              onClick={() => setEditor(e)}
              data-testid={`serve-tab-${e}`}
            >
              {e === 'form' ? 'Form' : 'YAML'}
            </button>
          ))}
        </div>
      </div>
      {fileBar}
      {editor === 'yaml' ? (
        <Suspense
          fallback={
            <div className="skeleton" aria-busy="true" aria-label="Loading the YAML editor" />
          }
        >
          <YamlEditor
            value={draft.text}
            onChange={onText}
            diagnostics={diagnostics}
            jumpTo={jumpTo}
          />
        </Suspense>
      ) : (
        <ConfigForm text={draft.text} onText={onText} />
      )}
      <div className="serve-editor-bar">
        <span
          className="small"
          data-testid="serve-validation"
          data-errors={errors}
          data-warnings={warnings}
          data-checking={checking}
        >
          {checking ? (
            <span className="muted">Checking…</span>
          ) : errors || warnings ? (
            <span
              className={errors ? 'bad-text' : 'serve-warn-text'}
            >{`${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`}</span>
          ) : (
            <span className="ok-text">Valid</span>
          )}
        </span>
        <span className="bu-spacer" />
        {hasLive ? (
          <button type="button" className="btn ghost small" onClick={() => onStartFrom('live')}>
            Start from the live config
          </button>
        ) : null}
        <button type="button" className="btn ghost small" onClick={() => onStartFrom('template')}>
          Start from a template
        </button>
        <button
          type="button"
          className="btn primary"
          onClick={onReview}
          disabled={reviewing || !canReview}
          data-testid="serve-review-button"
          title="Review changes (Ctrl+Enter)"
        >
          {reviewing ? 'Reading the cluster…' : 'Review changes'}
        </button>
      </div>
      {diagnostics.length ? (
        <ul className="serve-diagnostics" aria-label="Problems" data-testid="serve-diagnostics">
          {diagnostics.map((d, i) => (
            <li
              key={i}
              className={`serve-diagnostic diag-${d.severity}`}
              data-testid="serve-diagnostic"
              data-line={d.line ?? ''}
              data-severity={d.severity}
              data-code={d.code}
            >
              <span className={`badge ${d.severity === 'error' ? 'status-fail' : 'status-warn'}`}>
                {d.severity}
              </span>
              {d.line ? (
                <button
                  type="button"
                  className="linklike mono serve-diag-line"
                  title="Show in the YAML editor"
                  onClick={() => {
                    setEditor('yaml');
                    setJumpTo({ line: d.line!, column: d.column ?? 1 });
                  }}
                >
                  line {d.line}
                </button>
              ) : (
                <span />
              )}
              <span>
                <code className="serve-diag-path">{formatConfigPath(d.path)}</code>{' '}
                {diagnosticText(d)}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
