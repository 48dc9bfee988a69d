/**
 * The Monitor page: pick a cluster; its collectors start (monitor.subscribe) and the page shows,
 * live, the cluster overview (heat map, totals), GPU -> replica -> queue, each deployment (charts,
 * replicas, scaling), the events timeline with the alerts, and cost. Keys 1-5 switch views.
 * Empty states say what to do next: no cluster (add one), a cluster whose collectors cannot
 * start (the core's reason; bring it up), nothing on Serve (the Serve page). Each view selects
 * the slices of the live store it shows, so a delta re-renders only the views it changes.
 */
import { useEffect, type ReactNode } from 'react';
import type { Cluster, MonitorSnapshot } from '../../../shared';
import { errorText } from '../../app/error-text';
import { useShell } from '../../shell/ui-store';
import { EmptyState } from '../../ui';
import { ClusterPicker, useCurrentCluster } from '../clusters';
import { CostPanel } from './CostPanel';
import { DeploymentDetail } from './DeploymentDetail';
import { AlertsList, EventsTimeline } from './EventsView';
import { GpuReplicaView } from './GpuReplicaView';
import { MONITOR_VIEWS, useMonitorUi, type MonitorViewId } from './monitor-ui-store';
import { OverviewView } from './OverviewView';
import type { SeriesHub } from './series-hub';
import { useLive, useMonitor, type LiveMonitor } from './use-monitor';
import './monitor.css';

function isTyping(t: EventTarget | null): boolean {
  return (
    t instanceof HTMLElement &&
    (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName))
  );
}

/** 1-5 switch views (not while typing, not under a dialog, not with modifiers). */
function useViewKeys() {
  const show = useMonitorUi((s) => s.show);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      if (document.querySelector('[role="dialog"]')) return;
      const v = MONITOR_VIEWS.find((x) => x.key === e.key);
      if (!v) return;
      e.preventDefault();
      show(v.id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [show]);
}

/** Deployments, replicas and nodes only: a delta that moves GPUs does not re-render this view. */
function DeploymentsView({
  clusterId,
  live,
  hub,
}: {
  clusterId: string;
  live: LiveMonitor;
  hub: SeriesHub;
}) {
  const go = useShell((s) => s.go);
  const open = useMonitorUi((s) => s.deployment);
  const openDeployment = useMonitorUi((s) => s.openDeployment);
  const deployments = useLive(live, (s) => s.deployments);
  const replicas = useLive(live, (s) => s.replicas);
  const nodes = useLive(live, (s) => s.nodes);
  if (deployments.length === 0)
    return (
      <EmptyState
        testId="monitor-no-serve"
        icon="◉"
        title="Nothing runs on Serve here yet"
        text="Deploy an application on the Serve page; its deployments, replicas, queues and scaling show here."
        action="Go to Serve"
        onAction={() => go('serve')}
      />
    );
  const d = deployments.find((x) => x.key === open) ?? deployments[0]!;
  return (
    <div className="deployments-view">
      <nav className="deployment-list" aria-label="Deployments">
        {deployments.map((x) => (
          <button
            key={x.key}
            type="button"
            className={x.key === d.key ? 'dep-item active' : 'dep-item'}
            aria-current={x.key === d.key ? 'true' : undefined}
            onClick={() => openDeployment(x.key)}
            data-testid="deployment-item"
            data-key={x.key}
          >
            <span>{x.name}</span>
            <span className="muted small">
              {x.app} · {x.running}/{x.desired}
              {x.pending ? ` · ${x.pending} pending` : ''}
            </span>
          </button>
        ))}
      </nav>
      <DeploymentDetail clusterId={clusterId} d={d} replicas={replicas} nodes={nodes} hub={hub} />
    </div>
  );
}

function EventsAndAlerts({ live }: { live: LiveMonitor }) {
  const alerts = useLive(live, (s) => s.alerts);
  const events = useLive(live, (s) => s.events);
  return (
    <div className="events-view">
      <h2>Alerts</h2>
      <AlertsList alerts={alerts} />
      <h2>Timeline</h2>
      <EventsTimeline events={events} />
    </div>
  );
}

/** A view that reads the whole snapshot (re-rendered by every push). */
function WholeSnapshot({
  live,
  children,
}: {
  live: LiveMonitor;
  children: (s: MonitorSnapshot) => ReactNode;
}) {
  return children(useLive(live, (s) => s));
}

function ClusterMonitor({ cluster }: { cluster: Cluster }) {
  const go = useShell((s) => s.go);
  const view = useMonitorUi((s) => s.view);
  const show = useMonitorUi((s) => s.show);
  const openDeployment = useMonitorUi((s) => s.openDeployment);
  const { snapshot, hub } = useMonitor(cluster.id);
  useViewKeys();
  if (snapshot.isPending)
    return (
      <p className="muted" data-testid="monitor-starting">
        Starting the collectors on {cluster.name}…
      </p>
    );
  if (snapshot.isError)
    return (
      <EmptyState testId="monitor-unreachable" icon="!" title={`Cannot monitor ${cluster.name}`}>
        <p data-testid="monitor-unreachable-reason">{errorText(snapshot.error)}</p>
        <p className="muted">
          Monitoring needs the cluster up: its nodes reachable over SSH and Ray running on the head.
        </p>
        <div className="card-actions">
          <button type="button" className="btn primary" onClick={() => void snapshot.refetch()}>
            Try again
          </button>
          <button type="button" className="btn" onClick={() => go('bringup')}>
            Go to Bring-up
          </button>
        </div>
      </EmptyState>
    );
  return (
    <ClusterViews
      clusterId={cluster.id}
      live={snapshot.data}
      hub={hub}
      view={view}
      show={show}
      openDeployment={openDeployment}
    />
  );
}

function ClusterViews({
  clusterId,
  live,
  hub,
  view,
  show,
  openDeployment,
}: {
  clusterId: string;
  live: LiveMonitor;
  hub: SeriesHub;
  view: MonitorViewId;
  show(view: MonitorViewId): void;
  openDeployment(key: string): void;
}) {
  const alerts = useLive(live, (s) => s.alerts);
  const critical = alerts.filter((a) => a.severity === 'critical').length;
  return (
    <>
      <div className="segmented monitor-views" role="tablist" aria-label="Monitor views">
        {MONITOR_VIEWS.map((v) => (
          <button
            key={v.id}
            type="button"
            role="tab"
            aria-selected={view === v.id}
            className={view === v.id ? 'active' : ''}
            onClick={() => show(v.id)}
            data-testid={`monitor-tab-${v.id}`}
            title={`${v.label} (${v.key})`}
          >
            {v.label}
            {v.id === 'events' && alerts.length ? (
              <span
                className={`count-badge${critical ? ' critical' : ''}`}
                data-testid="monitor-alert-count"
              >
                {alerts.length}
              </span>
            ) : null}
          </button>
        ))}
      </div>
      <div
        role="tabpanel"
        aria-label={MONITOR_VIEWS.find((v) => v.id === view)!.label}
        data-testid={`monitor-view-${view}`}
      >
        {view === 'overview' ? <OverviewView live={live} /> : null}
        {view === 'gpus' ? (
          <WholeSnapshot live={live}>
            {(s) => <GpuReplicaView snapshot={s} onOpenDeployment={openDeployment} />}
          </WholeSnapshot>
        ) : null}
        {view === 'deployments' ? (
          <DeploymentsView clusterId={clusterId} live={live} hub={hub} />
        ) : null}
        {view === 'events' ? <EventsAndAlerts live={live} /> : null}
        {view === 'cost' ? (
          <WholeSnapshot live={live}>
            {(s) => <CostPanel clusterId={clusterId} snapshot={s} />}
          </WholeSnapshot>
        ) : null}
      </div>
    </>
  );
}

export function MonitorPage() {
  const go = useShell((s) => s.go);
  const { clusters, current } = useCurrentCluster();
  return (
    <section className="page monitor-page" data-testid="monitor-page">
      <div className="toolbar">
        <ClusterPicker />
      </div>
      {clusters.isPending ? null : clusters.isError ? (
        <EmptyState
          testId="monitor-clusters-error"
          icon="!"
          title="Could not list the clusters"
          text={errorText(clusters.error)}
        />
      ) : !current ? (
        <EmptyState
          testId="monitor-no-cluster"
          icon="∿"
          title="No cluster to monitor"
          text="Add a cluster and bring it up; its GPUs, replicas and queues then show here live."
          action="Go to Clusters"
          onAction={() => go('clusters')}
        />
      ) : (
        <ClusterMonitor key={current.id} cluster={current} />
      )}
    </section>
  );
}
