/**
 * The Serve page: pick a cluster, see what Serve runs there (applications -> deployments ->
 * replicas, refreshed every 3 s and on every apply event), edit its config in a form or as
 * YAML with the validator's findings inline, review the diff against what runs (deletions
 * loudly), apply and follow it to RUNNING or failure, and roll back from the history. Empty
 * states say what to do next: no cluster, a cluster whose head does not answer, nothing
 * deployed yet. The config opens from and saves to files (Serve YAML, KubeRay RayService), see
 * FileActions. Ctrl/Cmd+S saves; Ctrl/Cmd+Enter reviews, and applies from the review.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { Cluster, ServeConfigDiff } from '../../../shared';
import type { ServeFinding } from './use-serve';
import { useRaydeck } from '../../app/client-context';
import { useShell } from '../../shell/ui-store';
import { ConfirmDialog, EmptyState, ErrorBanner } from '../../ui';
import { ClusterPicker, useCurrentCluster } from '../clusters';
import { ApplyFollow } from './ApplyFollow';
import { ConfigEditor, preloadYamlEditor } from './ConfigEditor';
import { FileActions } from './FileActions';
import { HistoryPanel } from './HistoryPanel';
import { liveConfigText, TEMPLATE } from './initial-config';
import { LiveView } from './LiveView';
import { ModelsPanel } from './ModelsPanel';
import { ReviewDialog } from './ReviewDialog';
import { useServeUi, type DraftFile, type DraftSource } from './serve-draft-store';
import { serveKeys } from './serve-keys';
import './serve.css';
import {
  useServeApply,
  useServeDiff,
  useServeHistory,
  useServeRollback,
  useServeStatus,
  useServeValidation,
} from './use-serve';

/** Loads the first draft of a cluster: newest history version, else the live config, else the template. */
function useFirstDraft(
  clusterId: string,
  ready: boolean,
  historyNewest: number | null,
  live: string | null,
) {
  const client = useRaydeck();
  const has = useServeUi((s) => Boolean(s.drafts[clusterId]));
  const started = useRef(false);
  useEffect(() => {
    if (has || !ready || started.current) return;
    started.current = true;
    const load = useServeUi.getState().load;
    if (historyNewest !== null) {
      void client.call('serve.get', { clusterId, version: historyNewest }).then(
        (v) =>
          !useServeUi.getState().drafts[clusterId] &&
          load(clusterId, v.text, { kind: 'history', version: historyNewest }),
        () =>
          !useServeUi.getState().drafts[clusterId] &&
          load(clusterId, live ?? TEMPLATE, live ? { kind: 'live' } : { kind: 'template' }),
      );
    } else load(clusterId, live ?? TEMPLATE, live ? { kind: 'live' } : { kind: 'template' });
  }, [client, clusterId, has, ready, historyNewest, live]);
}

function ClusterServe({ cluster }: { cluster: Cluster }) {
  const go = useShell((s) => s.go);
  const qc = useQueryClient();
  const status = useServeStatus(cluster.id);
  const history = useServeHistory(cluster.id);
  const draft = useServeUi((s) => s.drafts[cluster.id]);
  const followed = useServeUi((s) => s.followed[cluster.id]);
  const { setText, load, follow } = useServeUi.getState();
  const live = status.data ? liveConfigText(status.data) : null;
  useFirstDraft(
    cluster.id,
    !history.isPending && !status.isPending,
    history.data?.[0]?.version ?? null,
    live,
  );

  // An apply still running when the page opens (after a reload, or started from the CLI on this core): follow it.
  const newest = history.data?.[0];
  const autoFollowed = useRef<number | null>(null);
  useEffect(() => {
    if (
      followed ||
      !newest ||
      newest.result.state !== 'applying' ||
      !newest.operationId ||
      autoFollowed.current === newest.version
    )
      return;
    autoFollowed.current = newest.version;
    follow(cluster.id, {
      operationId: newest.operationId,
      version: newest.version,
      rollbackOf: newest.rollbackOf,
    });
  }, [followed, newest, follow, cluster.id]);

  const text = draft?.text ?? '';
  const validation = useServeValidation(draft ? draft.text : null);
  const diagnostics: ServeFinding[] = validation.data?.diagnostics ?? [];
  const diff = useServeDiff(cluster.id);
  const apply = useServeApply(cluster.id);
  const rollback = useServeRollback(cluster.id);
  // Loading another text over unsaved edits asks first.
  const [replacing, setReplacing] = useState<{
    text: string;
    source: DraftSource;
    what: string;
    file?: DraftFile;
  } | null>(null);
  const replaceDraft = (next: string, source: DraftSource, what: string, file?: DraftFile) => {
    const d = useServeUi.getState().drafts[cluster.id];
    if (d && d.text !== d.base && d.text !== next)
      setReplacing({ text: next, source, what, ...(file ? { file } : {}) });
    else load(cluster.id, next, source, file);
  };
  const [review, setReview] = useState<{
    text: string;
    diff: ServeConfigDiff;
    diagnostics: ServeFinding[];
  } | null>(null);

  const startReview = () => {
    if (!draft || diff.isPending) return;
    const reviewed = draft.text;
    apply.reset();
    diff.mutate(reviewed, { onSuccess: (r) => setReview({ text: reviewed, ...r }) });
  };
  const latestReview = useRef(startReview);
  latestReview.current = startReview;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key === 'Enter') {
        e.preventDefault();
        if (!document.querySelector('[role="dialog"]')) latestReview.current();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const started = (s: { operationId: string; version: number; rollbackOf: number | null }) => {
    follow(cluster.id, s);
    void qc.invalidateQueries({ queryKey: serveKeys.history(cluster.id) });
    void qc.invalidateQueries({ queryKey: serveKeys.status(cluster.id) });
  };
  const doApply = (autoRollbackS: number | null, done: () => void) => {
    if (!review) return done();
    const applied = review.text;
    apply.mutate(
      // The deletions the user just reviewed: if Ray changed since and the PUT would delete others, the core refuses.
      { text: applied, autoRollbackS, expectDeletes: review.diff.deletes },
      {
        onSuccess: (s) => {
          started(s);
          setReview(null);
          // The applied text is now a version of the history: the editor goes on from it (a
          // draft tied to a file stays tied to it, its unsaved marker as it was).
          const now = useServeUi.getState().drafts[cluster.id];
          if (now?.text === applied && !now.file)
            load(cluster.id, applied, { kind: 'history', version: s.version });
        },
        onSettled: done,
      },
    );
  };
  const doRollback = (version: number, done: () => void) => {
    rollback.mutate(version, { onSuccess: started, onSettled: done });
  };

  let liveBody;
  if (status.isPending)
    liveBody = <div className="skeleton" aria-busy="true" aria-label="Reading Serve's status" />;
  else if (status.isError && !status.data)
    liveBody = (
      <EmptyState
        testId="serve-unreachable"
        icon="◌"
        title={`Serve on ${cluster.name} does not answer`}
        text="Raydeck reads Serve through the head node's SSH connection and Ray's dashboard. Bring the cluster up (or start it) on the Bring-up page, then come back; the config below can be edited and checked meanwhile."
      >
        <ErrorBanner error={status.error} prefix="The core said" testId="serve-status-error" />
        <div className="empty-actions">
          <button type="button" className="btn primary" onClick={() => go('bringup')}>
            Go to Bring-up
          </button>
          <button type="button" className="btn" onClick={() => void status.refetch()}>
            Try again
          </button>
        </div>
      </EmptyState>
    );
  else if (!status.data || status.data.applications.length === 0)
    liveBody = (
      <EmptyState
        testId="serve-nothing-deployed"
        icon="◉"
        title={`Nothing deployed on ${cluster.name} yet`}
        text={
          status.data?.serveRunning
            ? 'Serve runs but has no applications.'
            : 'Ray runs, Serve has not started: the first apply starts it. Write a config below (or start from the template), review it and apply.'
        }
      />
    );
  else liveBody = <LiveView instance={status.data} />;

  return (
    <>
      <section className="panel serve-live-panel" aria-label="What Serve runs">
        <div className="panel-head">
          <h3>Running on {cluster.name}</h3>
          {status.isError && status.data ? (
            <span className="small serve-warn-text">
              Not refreshed: {status.error instanceof Error ? status.error.message : 'no answer'}
            </span>
          ) : null}
        </div>
        {liveBody}
      </section>
      <ModelsPanel clusterId={cluster.id} clusterName={cluster.name} />
      {followed ? (
        <ApplyFollow
          key={followed.operationId}
          apply={followed}
          onDismiss={() => follow(cluster.id, null)}
        />
      ) : null}
      <ErrorBanner error={diff.error} prefix="Could not review" testId="serve-review-error" />
      {draft ? (
        <ConfigEditor
          draft={draft}
          onText={(t) => setText(cluster.id, t)}
          diagnostics={diagnostics}
          checking={validation.forText !== text}
          onReview={startReview}
          reviewing={diff.isPending}
          canReview={text.trim().length > 0}
          hasLive={live !== null}
          fileBar={<FileActions clusterId={cluster.id} draft={draft} replaceDraft={replaceDraft} />}
          onStartFrom={(kind) =>
            kind === 'live' && live
              ? replaceDraft(live, { kind: 'live' }, 'the live config')
              : replaceDraft(TEMPLATE, { kind: 'template' }, 'the template')
          }
        />
      ) : (
        <div className="skeleton" aria-busy="true" aria-label="Loading the config" />
      )}
      <HistoryPanel
        clusterId={cluster.id}
        entries={history.data}
        error={history.error}
        rollingBack={rollback.isPending}
        rollbackError={rollback.error}
        onRollback={doRollback}
        onLoad={(version, t) => replaceDraft(t, { kind: 'history', version }, `v${version}`)}
      />
      {replacing ? (
        <ConfirmDialog
          title={`Replace your edits with ${replacing.what}?`}
          body="The config in the editor has unsaved changes; they are lost if it is replaced."
          confirm="Replace"
          cancel="Keep my edits"
          testId="serve-replace-confirm"
          onClose={() => setReplacing(null)}
          onConfirm={() => {
            load(cluster.id, replacing.text, replacing.source, replacing.file);
            setReplacing(null);
          }}
        />
      ) : null}
      {review ? (
        <ReviewDialog
          clusterName={cluster.name}
          diff={review.diff}
          diagnostics={review.diagnostics}
          applying={apply.isPending}
          error={apply.error}
          onApply={doApply}
          onClose={() => setReview(null)}
        />
      ) : null}
    </>
  );
}

export function ServePage() {
  const { clusters, current } = useCurrentCluster();
  const go = useShell((s) => s.go);
  useEffect(preloadYamlEditor, []);
  return (
    <section className="page serve-page" data-testid="serve-page" aria-label="Serve">
      {clusters.isPending ? (
        <div className="skeleton" aria-busy="true" />
      ) : clusters.isError ? (
        <ErrorBanner error={clusters.error} prefix="Could not read the clusters" />
      ) : current ? (
        <>
          <div className="toolbar">
            <ClusterPicker />
            <span className="muted small">
              Ctrl+S saves the file · Ctrl+Enter reviews the changes · every apply is kept in the
              history
            </span>
          </div>
          <ClusterServe key={current.id} cluster={current} />
        </>
      ) : (
        <EmptyState
          testId="serve-no-cluster"
          title="Add a cluster first"
          text="Serve applications run on a Ray cluster. Add a cluster and its nodes, bring it up, then deploy from here."
          action="Go to Clusters"
          onAction={() => go('clusters')}
        />
      )}
    </section>
  );
}
