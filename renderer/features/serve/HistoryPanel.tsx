/**
 * The cluster's applied configs, newest first: version, who from where, when, and how it
 * ended (with Ray's messages). A version's exact text opens in a dialog, can be loaded into
 * the editor, and "Roll back to this version" asks first, then applies it again byte for
 * byte (a new version), followed like an apply.
 */
import { useState } from 'react';
import { versionLabel, type ServeHistoryEntry } from '../../../shared';
import { ConfirmDialog, Dialog, ErrorBanner, formatDateTime, useSingleFlight } from '../../ui';
import { useServeVersion } from './use-serve';

const RESULT_TONE: Record<ServeHistoryEntry['result']['state'], string> = {
  applying: 'state-running',
  submitted: 'state-running',
  running: 'state-succeeded',
  failed: 'state-failed',
  'timed-out': 'state-cancelled',
  'rolled-back': 'state-cancelled',
};

function VersionDialog({
  clusterId,
  entry,
  onClose,
  onLoad,
  onRollback,
}: {
  clusterId: string;
  entry: ServeHistoryEntry;
  onClose(): void;
  onLoad(text: string): void;
  onRollback(): void;
}) {
  const version = useServeVersion(clusterId, entry.version);
  return (
    <Dialog
      title={`${versionLabel(entry)} as applied`}
      onClose={onClose}
      wide
      testId="serve-version"
      actions={
        <>
          <button type="button" className="btn ghost" onClick={onClose}>
            Close
          </button>
          <button
            type="button"
            className="btn"
            disabled={!version.data}
            onClick={() => version.data && onLoad(version.data.text)}
          >
            Load into editor
          </button>
          <button type="button" className="btn primary" onClick={onRollback}>
            Roll back to this version
          </button>
        </>
      }
    >
      <ErrorBanner error={version.error} prefix="Could not read this version" />
      {version.data ? (
        <pre className="log-pane serve-version-text" data-testid="serve-version-text">
          {version.data.text}
        </pre>
      ) : (
        <div className="skeleton" aria-busy="true" />
      )}
    </Dialog>
  );
}

export interface HistoryPanelProps {
  clusterId: string;
  entries: ServeHistoryEntry[] | undefined;
  error: unknown;
  rollingBack: boolean;
  rollbackError: unknown;
  onRollback(version: number, done: () => void): void;
  onLoad(version: number, text: string): void;
}

export function HistoryPanel({
  clusterId,
  entries,
  error,
  rollingBack,
  rollbackError,
  onRollback,
  onLoad,
}: HistoryPanelProps) {
  const [viewing, setViewing] = useState<ServeHistoryEntry | null>(null);
  const [confirm, setConfirm] = useState<ServeHistoryEntry | null>(null);
  const once = useSingleFlight();
  return (
    <section className="panel" aria-label="Serve history" data-testid="serve-history">
      <div className="panel-head">
        <h3>History</h3>
      </div>
      <ErrorBanner error={error} prefix="Could not read the history" />
      <ErrorBanner error={rollbackError} prefix="Not rolled back" testId="serve-rollback-error" />
      {entries && entries.length === 0 ? (
        <p className="muted" data-testid="serve-history-empty">
          Nothing applied from Raydeck yet. Every apply is kept here with its exact text, and can be
          rolled back in one click.
        </p>
      ) : null}
      {entries && entries.length ? (
        <table className="data-table compact">
          <thead>
            <tr>
              <th>Version</th>
              <th>Applied</th>
              <th>By</th>
              <th>Result</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {entries.map((e, i) => (
              <tr
                key={e.version}
                data-testid="serve-history-row"
                data-version={e.version}
                data-result={e.result.state}
              >
                <td>
                  <button type="button" className="linklike" onClick={() => setViewing(e)}>
                    {versionLabel(e)}
                  </button>
                  {e.deletes.length ? (
                    <div className="small bad-text">deleted {e.deletes.join(', ')}</div>
                  ) : null}
                </td>
                <td className="small">{formatDateTime(e.appliedAt)}</td>
                <td className="small">
                  {e.by.user} <span className="muted">({e.by.via === 'cli' ? 'CLI' : 'app'})</span>
                </td>
                <td>
                  <span className={`badge ${RESULT_TONE[e.result.state]}`}>{e.result.state}</span>
                  {e.result.messages.length ? (
                    <div
                      className="small muted serve-history-messages"
                      title={e.result.messages.join('\n')}
                    >
                      {e.result.messages[0]}
                    </div>
                  ) : null}
                </td>
                <td>
                  {i > 0 ? (
                    <div className="row-actions">
                      <button
                        type="button"
                        className="btn small"
                        onClick={() => setConfirm(e)}
                        disabled={rollingBack}
                        data-testid="serve-rollback"
                      >
                        Roll back to this version
                      </button>
                    </div>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {viewing ? (
        <VersionDialog
          clusterId={clusterId}
          entry={viewing}
          onClose={() => setViewing(null)}
          onLoad={(text) => {
            onLoad(viewing.version, text);
            setViewing(null);
          }}
          onRollback={() => {
            setConfirm(viewing);
            setViewing(null);
          }}
        />
      ) : null}
      {confirm ? (
        <ConfirmDialog
          title={`Roll back to v${confirm.version}?`}
          body={`Raydeck applies the exact text of v${confirm.version} again, as a new version, and follows it until it is RUNNING. Applications that v${confirm.version} does not have are deleted by Ray.`}
          confirm={`Roll back to v${confirm.version}`}
          cancel="Keep what runs"
          danger={false}
          busy={rollingBack}
          testId="serve-rollback-confirm"
          onClose={() => setConfirm(null)}
          onConfirm={() => {
            const version = confirm.version;
            once((done) =>
              onRollback(version, () => {
                done();
                setConfirm(null);
              }),
            );
          }}
        />
      ) : null}
    </section>
  );
}
