/**
 * The Bring-up page: pick a cluster, set the options, review the plan, bring the cluster up and
 * follow it node by node; the newest run (running or last finished) shows again after a reload.
 * On top, the cluster's home: the live cluster with Start / Stop / Tear down and adding or
 * removing workers (before the first bring-up, what to do instead); a run started there replaces
 * a reviewed plan in the run view. Empty states say what to do first. "Bring up" starts once
 * however often it is clicked, and if the core says a bring-up already runs (another window, the
 * CLI), the page shows that run instead of an error.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { RaydeckError, type BringUpRun, type Cluster } from '../../../shared';
import { ClusterPicker, useCurrentCluster } from '../clusters';
import { useShell } from '../../shell/ui-store';
import { DEFAULT_DRAFT, draftToOptions, useBringupForm } from './bringup-form-store';
import { ClusterPanel } from './ClusterPanel';
import { OptionsForm } from './OptionsForm';
import { PlanView } from './PlanView';
import { RunView } from './RunView';
import { newestRun } from './run-format';
import { runsKey, usePlan, useRayNodes, useRuns, useStartRun } from './use-bringup';
import { EmptyState, ErrorBanner, useSingleFlight } from '../../ui';

function ClusterBringup({ cluster }: { cluster: Cluster }) {
  const go = useShell((s) => s.go);
  const nodes = useRayNodes(cluster.id);
  const runs = useRuns(cluster.id);
  const planMutation = usePlan(cluster.id);
  const startMutation = useStartRun(cluster.id);
  const qc = useQueryClient();
  const [plan, setPlan] = useState<BringUpRun | null>(null);
  const once = useSingleFlight();
  // A plan is for the options it was made with: editing them sets it aside.
  const drafts = useBringupForm((s) => s.drafts[cluster.id]);
  const [planDraft, setPlanDraft] = useState(drafts);
  if (plan && planDraft !== drafts) {
    setPlan(null);
    setPlanDraft(drafts);
  }

  const run = newestRun(runs.data);
  const runActive = run?.state === 'running';
  // Until the user edits the form, it shows what the newest run used (after a reload, a restart).
  useEffect(() => {
    if (run) useBringupForm.getState().seed(cluster.id, run.options);
  }, [cluster.id, run]);
  const list = nodes.data;

  const review = () => {
    startMutation.reset();
    const draft = useBringupForm.getState().drafts[cluster.id];
    planMutation.mutate(draftToOptions(draft ?? DEFAULT_DRAFT), {
      onSuccess: (p) => {
        setPlanDraft(draft);
        setPlan(p);
      },
    });
  };
  const start = () => {
    if (!plan) return;
    once((done) =>
      startMutation.mutate(plan.options, {
        onSuccess: () => setPlan(null),
        onError: (err) => {
          // A bring-up of this cluster already runs (started elsewhere): follow it rather than report it.
          if (err instanceof RaydeckError && err.code === 'conflict') {
            setPlan(null);
            void qc.invalidateQueries({ queryKey: runsKey(cluster.id) });
          }
        },
        onSettled: done,
      }),
    );
  };
  const startError =
    startMutation.error instanceof RaydeckError && startMutation.error.code === 'conflict'
      ? null
      : startMutation.error;

  let body;
  if (nodes.isPending)
    body = <div className="skeleton" aria-busy="true" aria-label="Loading nodes" />;
  else if (nodes.isError)
    body = (
      <ErrorBanner error={nodes.error} prefix={`Could not load the nodes of ${cluster.name}`} />
    );
  else if (!list || list.length === 0)
    body = (
      <EmptyState
        testId="bringup-no-nodes"
        title={`No nodes in ${cluster.name} yet`}
        text="Bring-up installs Ray on the cluster's machines. Add them on the Nodes page first: one head and any number of workers."
        action="Go to Nodes"
        onAction={() => go('nodes')}
      />
    );
  else if (!list.some((n) => n.role === 'head'))
    body = (
      <EmptyState
        testId="bringup-no-head"
        title="No head node"
        text="Ray needs one head that the workers join: mark one node as head on the Nodes page (Edit, Role: Ray head)."
        action="Go to Nodes"
        onAction={() => go('nodes')}
      />
    );
  else
    body = (
      <>
        <ClusterPanel
          clusterId={cluster.id}
          clusterName={cluster.name}
          runActive={runActive}
          onRunStarted={() => setPlan(null)}
          onReview={review}
        />
        <OptionsForm
          clusterId={cluster.id}
          onReview={review}
          pending={planMutation.isPending}
          error={planMutation.error ?? startError}
          blocked={runActive ? 'A bring-up is running: wait for it or cancel it first.' : null}
          nodes={list ?? []}
        />
        <ErrorBanner error={runs.error} prefix="Could not load earlier bring-ups" />
        {plan ? (
          <PlanView
            plan={plan}
            onStart={start}
            onDiscard={() => setPlan(null)}
            starting={startMutation.isPending}
            error={startError}
          />
        ) : run ? (
          <RunView key={run.id} run={run} onReview={review} />
        ) : runs.isPending ? (
          <div className="skeleton" aria-busy="true" aria-label="Loading bring-ups" />
        ) : (
          <p className="muted" data-testid="bringup-no-runs">
            No bring-up has run on {cluster.name} yet. Review the plan to see what Raydeck will do
            on each node before anything runs.
          </p>
        )}
      </>
    );

  return (
    <>
      <div className="toolbar">
        <ClusterPicker />
      </div>
      {body}
    </>
  );
}

export function BringupPage() {
  const { clusters, current } = useCurrentCluster();
  const go = useShell((s) => s.go);
  if (clusters.isPending) return <div className="skeleton" aria-busy="true" />;
  return (
    <section className="page" data-testid="bringup-page" aria-label="Bring-up">
      {current ? (
        <ClusterBringup key={current.id} cluster={current} />
      ) : (
        <EmptyState
          testId="bringup-no-cluster"
          title="Add a cluster"
          text="Bring-up works on a cluster of nodes. Add a cluster, then its nodes, then come back here."
          action="Go to Clusters"
          onAction={() => go('clusters')}
        />
      )}
    </section>
  );
}
