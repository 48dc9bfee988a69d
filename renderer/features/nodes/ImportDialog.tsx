/**
 * Import nodes from an ssh config or the testbed's JSON: paste the text or give a file path,
 * preview every host (problems shown, such hosts unticked), then add the ticked ones.
 */
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { RaydeckError, type ImportCandidate, type ImportSource } from '../../../shared';
import { useRaydeck } from '../../app/client-context';
import { errorText } from '../../app/error-text';
import { Dialog, ErrorBanner } from '../../ui';

type Kind = 'ssh-config' | 'testbed';

const issuesOf = (err: unknown): string[] =>
  err instanceof RaydeckError ? (err.issues ?? []).map((i) => i.message) : [];

export function ImportDialog({ clusterId, onClose }: { clusterId: string; onClose: () => void }) {
  const client = useRaydeck();
  const [kind, setKind] = useState<Kind>('ssh-config');
  const [mode, setMode] = useState<'file' | 'text'>('file');
  const [path, setPath] = useState('~/.ssh/config');
  const [text, setText] = useState('');
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const source = (): ImportSource =>
    mode === 'file'
      ? { kind: kind === 'ssh-config' ? 'ssh-config-file' : 'testbed-file', path }
      : { kind, text };
  const preview = useMutation({
    mutationFn: () => client.call('nodes.importPreview', { clusterId, source: source() }),
  });
  const run = useMutation({
    mutationFn: (aliases: string[]) =>
      client.call('nodes.import', { clusterId, source: source(), aliases }),
  });
  useEffect(() => {
    if (preview.data)
      setChosen(new Set(preview.data.candidates.filter((c) => !c.problem).map((c) => c.alias)));
  }, [preview.data]);
  useEffect(() => setPath(kind === 'ssh-config' ? '~/.ssh/config' : ''), [kind]);

  const toggle = (c: ImportCandidate) =>
    setChosen((prev) => {
      const next = new Set(prev);
      if (next.has(c.alias)) next.delete(c.alias);
      else next.add(c.alias);
      return next;
    });

  return (
    <Dialog
      title="Import nodes"
      onClose={onClose}
      wide
      actions={
        <>
          <button className="btn ghost" onClick={onClose}>
            {run.data ? 'Close' : 'Cancel'}
          </button>
          <button
            className="btn primary"
            onClick={() => run.mutate([...chosen])}
            disabled={!preview.data || chosen.size === 0 || run.isPending || Boolean(run.data)}
          >
            Import {chosen.size || ''} node{chosen.size === 1 ? '' : 's'}
          </button>
        </>
      }
    >
      <div className="segmented" role="tablist" aria-label="Source">
        <button
          role="tab"
          aria-selected={kind === 'ssh-config'}
          className={kind === 'ssh-config' ? 'active' : ''}
          onClick={() => setKind('ssh-config')}
        >
          SSH config
        </button>
        <button
          role="tab"
          aria-selected={kind === 'testbed'}
          className={kind === 'testbed' ? 'active' : ''}
          onClick={() => setKind('testbed')}
        >
          Testbed JSON
        </button>
      </div>
      <div className="radio-row">
        <label className="radio">
          <input type="radio" checked={mode === 'file'} onChange={() => setMode('file')} /> From a
          file on this machine
        </label>
        <label className="radio">
          <input type="radio" checked={mode === 'text'} onChange={() => setMode('text')} /> Paste
        </label>
      </div>
      {mode === 'file' ? (
        <label className="field">
          <span>File</span>
          <input
            value={path}
            onChange={(e) => setPath(e.target.value)}
            placeholder={kind === 'testbed' ? '/tmp/testbed.json' : '~/.ssh/config'}
            spellCheck={false}
          />
        </label>
      ) : (
        <label className="field">
          <span>{kind === 'testbed' ? 'Testbed JSON' : 'SSH config'}</span>
          <textarea
            value={text}
            onChange={(e) => setText(e.target.value)}
            rows={8}
            spellCheck={false}
            className="mono"
          />
        </label>
      )}
      <div className="dialog-actions left">
        <button className="btn" onClick={() => preview.mutate()} disabled={preview.isPending}>
          {preview.isPending ? 'Reading…' : 'Preview'}
        </button>
      </div>
      <ErrorBanner error={preview.error}>
        {errorText(preview.error)}
        {issuesOf(preview.error).length ? (
          <ul>
            {issuesOf(preview.error)
              .slice(0, 8)
              .map((m, k) => (
                <li key={k}>{m}</li>
              ))}
          </ul>
        ) : null}
      </ErrorBanner>
      {preview.data ? (
        <>
          <table className="data-table compact" aria-label="Hosts found">
            <thead>
              <tr>
                <th aria-label="Import" />
                <th>Name</th>
                <th>Address</th>
                <th>User</th>
                <th>Via</th>
                <th>Notes</th>
              </tr>
            </thead>
            <tbody>
              {preview.data.candidates.map((c) => (
                <tr
                  key={c.alias}
                  data-testid="import-candidate"
                  className={c.problem ? 'muted' : ''}
                >
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Import ${c.alias}`}
                      checked={chosen.has(c.alias)}
                      disabled={c.problem !== null}
                      onChange={() => toggle(c)}
                    />
                  </td>
                  <td className="strong">{c.alias}</td>
                  <td className="mono">
                    {c.host ? `${c.host}${c.port === 22 ? '' : `:${c.port}`}` : '—'}
                  </td>
                  <td>{c.user || '—'}</td>
                  <td>{c.jumpAlias ?? <span className="muted">direct</span>}</td>
                  <td className="small import-notes">
                    {c.problem ? (
                      <span className="field-error">{c.problem}</span>
                    ) : c.expectedFingerprints.length ? (
                      <>
                        host key{' '}
                        <span
                          className="mono fingerprint-text"
                          title={c.expectedFingerprints.join('\n')}
                        >
                          {c.expectedFingerprints[0]}
                        </span>
                      </>
                    ) : (
                      ''
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {preview.data.warnings.length ? (
            <ul className="warnings small">
              {preview.data.warnings.map((w, i) => (
                <li key={i}>{w}</li>
              ))}
            </ul>
          ) : null}
        </>
      ) : null}
      <ErrorBanner error={run.error} />
      {run.data ? (
        <div className="banner" role="status" data-testid="import-result">
          Added {run.data.added.length} node{run.data.added.length === 1 ? '' : 's'}
          {run.data.skipped.length
            ? `; skipped ${run.data.skipped.map((s) => `${s.alias} (${s.reason})`).join(', ')}`
            : ''}
          .
        </div>
      ) : null}
    </Dialog>
  );
}
