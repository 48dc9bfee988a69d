/**
 * One deployment, live: status and desired vs running vs starting vs pending (with Ray's
 * pending reason), tiles for queue depth, ongoing requests, RPS, latency p50/p95/p99, errors and
 * vLLM's engine (running / waiting, KV cache, tokens/s, TTFT), dense live charts of the same
 * (uPlot), a small replica summary (recharts), the replicas with state, node, GPUs and ongoing
 * requests, and the scaling controls. Takes the deployment, replicas and nodes (not the whole
 * snapshot), so GPU deltas do not re-render it; the replica table re-renders only when they change.
 */
import { memo, useMemo } from 'react';
import { Bar, BarChart, Cell, Tooltip, XAxis, YAxis } from 'recharts';
import {
  seriesKey,
  type DeploymentView,
  type DeploymentSeriesField,
  type MonitorNode,
  type ReplicaView,
} from '../../../shared';
import { formatTime } from '../../ui';
import { LiveChart, type LiveSeriesSpec } from './LiveChart';
import { MetricTile } from './MetricTile';
import { formatMeasured } from './monitor-model';
import type { SeriesHub } from './series-hub';
import { ScalePanel } from './ScalePanel';
import { useSeriesWindow } from './use-monitor';

export const CHART_WINDOW_S = 300;

function DeploymentChart({
  hub,
  clusterId,
  d,
  title,
  fields,
  yMax,
  testId,
}: {
  hub: SeriesHub;
  clusterId: string;
  d: DeploymentView;
  title: string;
  fields: readonly (LiveSeriesSpec & { field: DeploymentSeriesField })[];
  yMax?: number;
  testId: string;
}) {
  const keys = fields.map((f) => seriesKey.deployment(d.app, d.name, f.field));
  const window = useSeriesWindow(hub, clusterId, keys, CHART_WINDOW_S);
  return (
    <LiveChart
      title={title}
      window={window}
      series={fields}
      windowS={CHART_WINDOW_S}
      yMin={0}
      yMax={yMax}
      testId={testId}
    />
  );
}

/** Desired / running / starting / pending as a tiny bar chart; re-renders only when a count changes. */
const ReplicaSummary = memo(function ReplicaSummary({
  desired,
  running,
  starting,
  pending,
}: {
  desired: number;
  running: number;
  starting: number;
  pending: number;
}) {
  const data = [
    { name: 'desired', n: desired, c: 'var(--muted)' },
    { name: 'running', n: running, c: 'var(--ok)' },
    { name: 'starting', n: starting, c: 'var(--accent)' },
    { name: 'pending', n: pending, c: 'var(--warn)' },
  ];
  return (
    <BarChart
      width={260}
      height={110}
      data={data}
      layout="vertical"
      margin={{ left: 8, right: 16 }}
    >
      <XAxis type="number" allowDecimals={false} hide />
      <YAxis
        type="category"
        dataKey="name"
        width={64}
        tick={{ fill: 'var(--muted)', fontSize: 11 }}
      />
      <Tooltip
        cursor={false}
        contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }}
      />
      <Bar dataKey="n" isAnimationActive={false}>
        {data.map((x) => (
          <Cell key={x.name} fill={x.c} />
        ))}
      </Bar>
    </BarChart>
  );
});

/** The deployment's replicas; re-renders only when the replica or node lists change. */
const ReplicaTable = memo(function ReplicaTable({
  app,
  deployment,
  replicas: all,
  nodes,
  gpusFromRay,
}: {
  app: string;
  deployment: string;
  replicas: readonly ReplicaView[];
  nodes: readonly MonitorNode[];
  /** GPUs Ray gives each replica (the deployment's GPU resource). */
  gpusFromRay: number;
}) {
  const replicas = useMemo(
    () => all.filter((r) => r.app === app && r.deployment === deployment),
    [all, app, deployment],
  );
  const nodeName = useMemo(() => new Map(nodes.map((n) => [n.nodeId, n.name])), [nodes]);
  return (
    <table className="data-table replicas-table" data-testid="replica-table">
      <thead>
        <tr>
          <th>Replica</th>
          <th>State</th>
          <th>Node</th>
          <th>GPUs</th>
          <th>Ongoing</th>
          <th>Started</th>
        </tr>
      </thead>
      <tbody>
        {replicas.length === 0 ? (
          <tr>
            <td colSpan={6} className="muted">
              No replicas.
            </td>
          </tr>
        ) : (
          replicas.map((r) => (
            <tr
              key={r.key}
              data-testid="replica-row"
              data-node={r.nodeId ?? ''}
              data-replica={r.replicaId}
              data-state={r.state}
            >
              <td>{r.replicaId}</td>
              <td
                className={
                  r.state === 'RUNNING'
                    ? 'ok-text'
                    : r.state === 'STARTING'
                      ? undefined
                      : 'bad-text'
                }
              >
                {r.state === 'STARTING' && r.nodeId === null ? 'PENDING (not placed)' : r.state}
              </td>
              <td>
                {r.nodeId ? (nodeName.get(r.nodeId) ?? r.nodeIp ?? r.nodeId) : (r.nodeIp ?? '—')}
              </td>
              <td>
                {r.gpuIds.length
                  ? r.gpuIds.map((g) => `GPU ${g.split('/').pop()}`).join(', ')
                  : gpusFromRay > 0 && r.nodeId
                    ? `${gpusFromRay} assigned by Ray, no process on a GPU yet`
                    : '—'}
              </td>
              <td>{formatMeasured(r.ongoing.value)}</td>
              <td>{r.startedAt ? formatTime(new Date(r.startedAt * 1000).toISOString()) : '—'}</td>
            </tr>
          ))
        )}
      </tbody>
    </table>
  );
});

export function DeploymentDetail({
  clusterId,
  d,
  replicas,
  nodes,
  hub,
}: {
  clusterId: string;
  d: DeploymentView;
  replicas: readonly ReplicaView[];
  nodes: readonly MonitorNode[];
  hub: SeriesHub;
}) {
  const mt = d.metrics;
  const hasVllm = [mt.kvCacheUsage, mt.tokensPerS, mt.vllmRunning, mt.vllmWaiting].some(
    (x) => x.at !== null,
  );
  return (
    <section
      className="deployment-detail"
      data-testid="monitor-deployment"
      data-app={d.app}
      data-name={d.name}
      aria-label={`Deployment ${d.app}/${d.name}`}
    >
      <header className="deployment-head">
        <h2>
          {d.name} <span className="muted">in {d.app}</span>
        </h2>
        <span className={`badge dep-status dep-${d.status}`} data-testid="deployment-status">
          {d.status}
        </span>
        <span
          className="serve-counts"
          data-testid="dep-counts"
          data-desired={d.desired}
          data-running={d.running}
          data-starting={d.starting}
          data-pending={d.pending}
        >
          {d.desired} desired · {d.running} running
          {d.starting ? ` · ${d.starting} starting` : ''}
          {d.pending ? ` · ${d.pending} pending` : ''}
          {d.autoscaling
            ? ` · autoscaling ${d.autoscaling.min ?? '?'}–${d.autoscaling.max ?? '?'}`
            : ''}
        </span>
      </header>
      {d.pendingReason ? (
        <p className="serve-pending-reason" data-testid="dep-pending-reason">
          <strong>Why pending:</strong> {d.pendingReason}
        </p>
      ) : d.pending > 0 ? (
        <p className="muted small" data-testid="dep-pending-no-reason">
          {d.pending} replica{d.pending === 1 ? ' is' : 's are'} not placed yet; Ray gives its
          reason after 30 s.
        </p>
      ) : null}
      {d.message ? <p className="muted small">{d.message}</p> : null}
      <div className="tiles" aria-label="Live numbers">
        <MetricTile label="Queue" m={mt.queueLength} testId="metric-queue" />
        <MetricTile label="Ongoing" m={mt.ongoingRequests} testId="metric-ongoing" />
        <MetricTile label="Requests/s" m={mt.rps} testId="metric-rps" />
        <MetricTile label="p50" m={mt.latencyP50Ms} unit="ms" testId="metric-p50" />
        <MetricTile label="p95" m={mt.latencyP95Ms} unit="ms" testId="metric-p95" />
        <MetricTile label="p99" m={mt.latencyP99Ms} unit="ms" testId="metric-p99" />
        <MetricTile label="Errors" m={mt.errorRate} unit="%" scale={100} testId="metric-errors" />
        {hasVllm ? (
          <>
            <MetricTile label="vLLM running" m={mt.vllmRunning} testId="metric-vllm-running" />
            <MetricTile label="vLLM waiting" m={mt.vllmWaiting} testId="metric-vllm-waiting" />
            <MetricTile
              label="KV cache"
              m={mt.kvCacheUsage}
              unit="%"
              scale={100}
              testId="metric-kv-cache"
            />
            <MetricTile label="Tokens/s" m={mt.tokensPerS} testId="metric-tokens" />
            <MetricTile label="TTFT p95" m={mt.ttftP95Ms} unit="ms" testId="metric-ttft" />
          </>
        ) : null}
      </div>
      <div className="chart-grid">
        <DeploymentChart
          hub={hub}
          clusterId={clusterId}
          d={d}
          title="Queue and ongoing requests"
          testId="chart-queue"
          fields={[
            { field: 'queueLength', label: 'queue' },
            { field: 'ongoingRequests', label: 'ongoing', colour: '--ok' },
          ]}
        />
        <DeploymentChart
          hub={hub}
          clusterId={clusterId}
          d={d}
          title="Requests per second"
          testId="chart-rps"
          fields={[{ field: 'rps', label: 'rps', unit: '/s' }]}
        />
        <DeploymentChart
          hub={hub}
          clusterId={clusterId}
          d={d}
          title="Latency"
          testId="chart-latency"
          fields={[
            { field: 'latencyP50Ms', label: 'p50', unit: 'ms', colour: '--ok' },
            { field: 'latencyP95Ms', label: 'p95', unit: 'ms', colour: '--warn' },
            { field: 'latencyP99Ms', label: 'p99', unit: 'ms', colour: '--bad' },
          ]}
        />
        {hasVllm ? (
          <>
            <DeploymentChart
              hub={hub}
              clusterId={clusterId}
              d={d}
              title="vLLM KV cache use"
              yMax={1}
              testId="chart-kv"
              fields={[{ field: 'kvCacheUsage', label: 'KV cache' }]}
            />
            <DeploymentChart
              hub={hub}
              clusterId={clusterId}
              d={d}
              title="Generated tokens per second"
              testId="chart-tokens"
              fields={[{ field: 'tokensPerS', label: 'tokens/s', unit: '/s', colour: '--ansi-5' }]}
            />
          </>
        ) : null}
      </div>
      <div className="deployment-lower">
        <div className="mon-card replica-summary" aria-label="Replica summary">
          <ReplicaSummary
            desired={d.desired}
            running={d.running}
            starting={d.starting}
            pending={d.pending}
          />
        </div>
        <ReplicaTable
          app={d.app}
          deployment={d.name}
          replicas={replicas}
          nodes={nodes}
          gpusFromRay={d.replicaResources.GPU ?? 0}
        />
      </div>
      <ScalePanel clusterId={clusterId} d={d} />
    </section>
  );
}
