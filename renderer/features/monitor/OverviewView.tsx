/**
 * The cluster overview: totals (GPUs busy of all, lost, hot, replicas running / starting /
 * pending of desired, cluster $/h and $ per 1M requests), the metric picker, the nodes x GPUs
 * heat map with its legend, and what the collectors report as wrong (SSH down, no nvidia-smi).
 * The totals and the heat map each select what they show from the live store; the node order
 * is kept while only GPUs move (sorting 512 names every second is wasted work).
 */
import { useMemo, useState } from 'react';
import { EmptyState } from '../../ui';
import { HeatMap } from './HeatMap';
import { HEAT_METRICS, heatRows, sortNodes, type HeatMetric } from './heatmap-cells';
import { clusterTotals, formatUsd } from './monitor-model';
import { useLive, type LiveMonitor } from './use-monitor';

function Total({
  label,
  value,
  testId,
  tone,
}: {
  label: string;
  value: string;
  testId: string;
  tone?: string;
}) {
  return (
    <div className={`total${tone ? ` total-${tone}` : ''}`} data-testid={testId}>
      <span className="total-value">{value}</span>
      <span className="total-label">{label}</span>
    </div>
  );
}

function OverviewTotals({ live }: { live: LiveMonitor }) {
  const gpus = useLive(live, (s) => s.gpus);
  const nodes = useLive(live, (s) => s.nodes);
  const deployments = useLive(live, (s) => s.deployments);
  const cost = useLive(live, (s) => s.cost);
  const t = clusterTotals({ gpus, nodes, deployments, cost });
  return (
    <div className="totals" data-testid="monitor-totals">
      <Total label="GPUs busy" value={`${t.gpusBusy} / ${t.gpus}`} testId="total-gpus-busy" />
      {t.gpusLost ? (
        <Total label="GPUs lost" value={String(t.gpusLost)} testId="total-gpus-lost" tone="bad" />
      ) : null}
      {t.gpusHot ? (
        <Total label="GPUs hot" value={String(t.gpusHot)} testId="total-gpus-hot" tone="bad" />
      ) : null}
      {t.gpusNoValue ? (
        <Total
          label="GPUs without a value"
          value={String(t.gpusNoValue)}
          testId="total-gpus-no-value"
          tone="muted"
        />
      ) : null}
      <Total
        label="replicas running"
        value={`${t.replicasRunning} / ${t.replicasDesired}`}
        testId="total-replicas-running"
      />
      {t.replicasStarting ? (
        <Total
          label="starting"
          value={String(t.replicasStarting)}
          testId="total-replicas-starting"
        />
      ) : null}
      <Total
        label="replicas pending"
        value={String(t.replicasPending)}
        testId="total-replicas-pending"
        tone={t.replicasPending ? 'warn' : undefined}
      />
      {t.nodesStale ? (
        <Total
          label="nodes stale"
          value={String(t.nodesStale)}
          testId="total-nodes-stale"
          tone="warn"
        />
      ) : null}
      <Total label="cluster $/h" value={formatUsd(t.perHour)} testId="total-cost-hour" />
      <Total
        label="per 1M requests"
        value={formatUsd(t.perMillionRequests)}
        testId="total-cost-million"
      />
    </div>
  );
}

function CollectorProblems({ live }: { live: LiveMonitor }) {
  const collectors = useLive(live, (s) => s.collectors);
  const problems = collectors.filter((c) => c.state === 'error' && c.message);
  return problems.length ? (
    <ul className="banner warn monitor-problems" data-testid="collector-problems">
      {problems.map((c) => (
        <li key={c.key}>{c.message}</li>
      ))}
    </ul>
  ) : null;
}

function FleetHeatMap({ live, metric }: { live: LiveMonitor; metric: HeatMetric }) {
  const gpus = useLive(live, (s) => s.gpus);
  const nodes = useLive(live, (s) => s.nodes);
  const sorted = useMemo(() => sortNodes(nodes), [nodes]);
  const rows = useMemo(() => heatRows(nodes, gpus, metric, sorted), [nodes, gpus, metric, sorted]);
  const m = HEAT_METRICS.find((x) => x.id === metric)!;
  if (gpus.length === 0)
    return (
      <EmptyState
        testId="monitor-no-gpus"
        icon="▦"
        title="No GPUs reported yet"
        text={
          nodes.length === 0
            ? 'This cluster has no nodes. Add nodes on the Nodes page and bring the cluster up.'
            : "None of this cluster's nodes has reported a GPU from nvidia-smi. CPU-only nodes show no GPUs; on GPU nodes, check the collectors' messages above."
        }
      />
    );
  return (
    <HeatMap rows={rows} label={`${m.label} of ${gpus.length} GPUs on ${nodes.length} nodes`} />
  );
}

export function OverviewView({ live }: { live: LiveMonitor }) {
  const [metric, setMetric] = useState<HeatMetric>('util');
  const m = HEAT_METRICS.find((x) => x.id === metric)!;
  return (
    <section className="monitor-overview" aria-label="Cluster overview">
      <OverviewTotals live={live} />
      <CollectorProblems live={live} />
      <div className="heatmap-bar">
        <label className="inline-field">
          <span className="muted">Colour by</span>
          <select
            value={metric}
            onChange={(e) => setMetric(e.target.value as HeatMetric)}
            aria-label="Heat map metric"
            data-testid="heatmap-metric"
          >
            {HEAT_METRICS.map((x) => (
              <option key={x.id} value={x.id}>
                {x.label}
              </option>
            ))}
          </select>
        </label>
        <span className="heatmap-legend" aria-hidden>
          <span className="swatch ramp" /> low → high {m.unit}
          <span className="swatch no-value" /> no value
          <span className="swatch lost" /> lost
          <span className="swatch hot" /> hot
          <span className="swatch stale" /> stale
        </span>
      </div>
      <FleetHeatMap live={live} metric={metric} />
    </section>
  );
}
