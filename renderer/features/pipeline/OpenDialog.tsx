/**
 * Open a pipeline from one of three places: a pipeline file (a saved name picked from the list,
 * or a path), a Serve config (pasted, or a .yaml file chosen on this computer), or an
 * application running on the picked cluster. A Serve config is read back by the core: one
 * Raydeck compiled opens as the graph it was drawn as, a hand-written one as a read-only graph
 * of its deployments; a config with several applications asks which one.
 */
import { useState, type FormEvent } from 'react';
import { stringify } from 'yaml';
import type { PipelineGraph } from '../../../shared/pipeline';
import { Dialog, ErrorBanner, PathField, useSingleFlight } from '../../ui';
import { pipelinePathProblem } from './SaveDialog';

export interface KnownPipelineFile {
  path: string;
  name: string;
}

export interface RunningApp {
  name: string;
  config: Record<string, unknown>;
  /** Only Ray's copy is known, with env_vars values hidden: deploying it again is refused. */
  redacted: boolean;
}

type Source = 'file' | 'serve' | 'cluster';

export function OpenDialog({
  files,
  running,
  clusterName,
  busy,
  error,
  onOpenPath,
  onReadBack,
  onPick,
  onClose,
}: {
  files: readonly KnownPipelineFile[];
  /** Declarative applications on the picked cluster (null: no cluster or not read). */
  running: readonly RunningApp[] | null;
  clusterName: string | null;
  busy: boolean;
  error: unknown;
  onOpenPath(path: string, done: () => void): void;
  /** Reads a Serve config back; resolves with its applications' graphs. */
  onReadBack(yaml: string): Promise<{ app: string; graph: PipelineGraph }[]>;
  onPick(graph: PipelineGraph): void;
  onClose(): void;
}) {
  const [source, setSource] = useState<Source>('file');
  const [path, setPath] = useState('');
  const [yaml, setYaml] = useState('');
  const [apps, setApps] = useState<{ app: string; graph: PipelineGraph }[] | null>(null);
  const [readError, setReadError] = useState<unknown>(null);
  const [reading, setReading] = useState(false);
  const once = useSingleFlight();
  const readBack = (text: string) =>
    once((done) => {
      setReading(true);
      setReadError(null);
      onReadBack(text)
        .then((r) => {
          if (r.length === 1) onPick(r[0]!.graph);
          else if (r.length === 0) setReadError(new Error('That config has no applications.'));
          else setApps(r);
        }, setReadError)
        .finally(() => {
          setReading(false);
          done();
        });
    });
  const pathProblem = pipelinePathProblem(path);
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (source === 'file' && !pathProblem && !busy) once((done) => onOpenPath(path.trim(), done));
    if (source === 'serve' && yaml.trim() && !reading) readBack(yaml);
  };
  const tab = (s: Source, label: string) => (
    <button
      type="button"
      role="tab"
      aria-selected={source === s}
      className={source === s ? 'active' : ''}
      onClick={() => {
        setSource(s);
        setApps(null);
      }}
    >
      {label}
    </button>
  );
  return (
    <Dialog
      title="Open a pipeline"
      onClose={onClose}
      onSubmit={submit}
      wide
      testId="pipeline-open-dialog"
      actions={
        <>
          <button type="button" className="btn ghost" onClick={onClose}>
            Cancel
          </button>
          {source !== 'cluster' ? (
            <button
              type="submit"
              className="btn primary"
              disabled={source === 'file' ? Boolean(pathProblem) || busy : !yaml.trim() || reading}
            >
              {busy || reading ? 'Opening…' : 'Open'}
            </button>
          ) : null}
        </>
      }
    >
      <div className="segmented" role="tablist" aria-label="Open from">
        {tab('file', 'Pipeline file')}
        {tab('serve', 'Serve config')}
        {tab('cluster', 'Running on the cluster')}
      </div>
      {source === 'file' ? (
        <>
          <PathField
            id="pipeline-open-path"
            value={path}
            onChange={setPath}
            problem={pathProblem}
            placeholder="rag.pipeline.yaml or /home/me/rag.pipeline.yaml"
          />
          {files.length ? (
            <div className="pl-files">
              <div className="muted small">Saved pipelines</div>
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
          ) : (
            <p className="muted small">No saved pipelines yet.</p>
          )}
          <ErrorBanner error={error} prefix="Not opened" testId="pipeline-path-error" />
        </>
      ) : null}
      {source === 'serve' ? (
        <>
          <div className="field">
            <label htmlFor="pipeline-open-yaml">Serve config YAML</label>
            <textarea
              id="pipeline-open-yaml"
              rows={10}
              value={yaml}
              spellCheck={false}
              onChange={(e) => setYaml(e.target.value)}
            />
          </div>
          <label className="field">
            <span>Or a file on this computer</span>
            <input
              type="file"
              accept=".yaml,.yml"
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) void file.text().then(setYaml);
              }}
            />
          </label>
        </>
      ) : null}
      {source === 'cluster' ? (
        running === null ? (
          <p className="muted">Pick a cluster whose head answers to open what it runs.</p>
        ) : running.length === 0 ? (
          <p className="muted">{clusterName} runs no application from a config.</p>
        ) : (
          <ul className="pl-files" aria-label="Applications on the cluster">
            {running.map((a) => (
              <li key={a.name}>
                <button
                  type="button"
                  className="btn small"
                  disabled={reading}
                  onClick={() => readBack(stringify({ applications: [a.config] }))}
                >
                  {a.name}
                </button>
                {a.redacted ? (
                  <span className="muted small">
                    {' '}
                    env_vars values hidden (not applied from Raydeck): write them before deploying
                  </span>
                ) : null}
              </li>
            ))}
          </ul>
        )
      ) : null}
      {apps ? (
        <div className="pl-files" data-testid="pipeline-open-apps">
          <div className="muted small">The config has {apps.length} applications: open one.</div>
          <ul>
            {apps.map((a) => (
              <li key={a.app}>
                <button type="button" className="linklike" onClick={() => onPick(a.graph)}>
                  {a.app}
                </button>
                {a.graph.readOnly ? <span className="muted small"> (read-only)</span> : null}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <ErrorBanner error={readError} prefix="Not read" testId="pipeline-readback-error">
        {readError instanceof Error && !('code' in readError) ? readError.message : undefined}
      </ErrorBanner>
    </Dialog>
  );
}
