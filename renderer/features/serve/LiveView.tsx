/**
 * What Serve runs on the cluster, as Ray reports it: applications -> deployments -> replicas,
 * each with Ray's status and message; per deployment the desired replica count against
 * running, starting and pending ones, and why replicas are pending in Ray's own words.
 */
import { useState } from 'react';
import {
  formatReplicaCounts,
  type ServeApplication,
  type ServeDeployment,
  type ServeInstance,
} from '../../../shared';
import { formatDateTime } from '../../ui';

const GOOD = new Set(['RUNNING', 'HEALTHY']);
const BAD = new Set(['DEPLOY_FAILED', 'UNHEALTHY']);
const tone = (status: string) => (GOOD.has(status) ? 'ok' : BAD.has(status) ? 'bad' : 'busy');

export function RayStatus({ status }: { status: string }) {
  return (
    <span className={`badge serve-status serve-${tone(status)}`} data-status={status}>
      {status.replace(/_/g, ' ')}
    </span>
  );
}

function ReplicaCountsBar({ d }: { d: ServeDeployment }) {
  const c = d.counts;
  return (
    <span
      className="serve-counts"
      data-testid="replica-counts"
      data-desired={c.desired}
      data-running={c.running}
      data-starting={c.starting}
      data-pending={c.pending}
    >
      <span title="desired (Ray's target)">{c.desired} desired</span>
      <span className="ok-text">{c.running} running</span>
      {c.starting ? <span className="serve-busy-text">{c.starting} starting</span> : null}
      {c.pending ? <span className="serve-pending-text">{c.pending} pending</span> : null}
      {c.stopping ? <span className="muted">{c.stopping} stopping</span> : null}
      {d.autoscaling ? (
        <span className="muted">
          autoscaling {d.autoscaling.min ?? '?'}–{d.autoscaling.max ?? '?'}
        </span>
      ) : null}
    </span>
  );
}

function DeploymentRow({ d }: { d: ServeDeployment }) {
  const [open, setOpen] = useState(false);
  return (
    <li
      className="serve-deployment"
      data-testid="serve-deployment"
      data-name={d.name}
      data-status={d.status}
    >
      <div className="serve-row">
        <button
          type="button"
          className="linklike"
          aria-expanded={open}
          onClick={() => setOpen(!open)}
          aria-label={`${d.name}: ${formatReplicaCounts(d.counts)}`}
        >
          {open ? '▾' : '▸'} {d.name}
        </button>
        <RayStatus status={d.status} />
        <ReplicaCountsBar d={d} />
      </div>
      {d.pendingReason ? (
        <p className="serve-pending-reason" data-testid="pending-reason">
          <strong>Why pending:</strong> {d.pendingReason}
        </p>
      ) : d.counts.pending > 0 ? (
        <p className="serve-message muted small" data-testid="pending-no-reason">
          {d.counts.pending} replica{d.counts.pending === 1 ? ' is' : 's are'} not placed on a node
          yet; Ray gives its reason after 30 s.
          {d.message ? ` ${d.message}` : ''}
        </p>
      ) : d.message ? (
        <p className="serve-message muted small" data-testid="deployment-message">
          {d.message}
        </p>
      ) : null}
      {open ? (
        <table className="data-table compact serve-replicas" aria-label={`Replicas of ${d.name}`}>
          <thead>
            <tr>
              <th>Replica</th>
              <th>State</th>
              <th>Node</th>
              <th>PID</th>
            </tr>
          </thead>
          <tbody>
            {d.replicas.length === 0 ? (
              <tr>
                <td colSpan={4} className="muted">
                  No replicas
                </td>
              </tr>
            ) : (
              d.replicas.map((r) => (
                <tr key={r.replicaId} data-testid="serve-replica" data-state={r.state}>
                  <td className="mono">{r.replicaId}</td>
                  <td>{r.state === 'STARTING' && !r.nodeId ? 'PENDING (not placed)' : r.state}</td>
                  <td className="mono">{r.nodeIp ?? '—'}</td>
                  <td className="mono">{r.pid ?? '—'}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      ) : null}
    </li>
  );
}

function ApplicationCard({ app }: { app: ServeApplication }) {
  return (
    <li className="serve-app" data-testid="serve-app" data-name={app.name} data-status={app.status}>
      <div className="serve-row">
        <h4>{app.name}</h4>
        <RayStatus status={app.status} />
        <span className="mono muted">{app.routePrefix ?? '(no route)'}</span>
        {app.source === 'imperative' ? <span className="badge">serve.run</span> : null}
        <span className="bu-spacer" />
        {app.lastDeployedAt ? (
          <span className="muted small">
            deployed {formatDateTime(new Date(app.lastDeployedAt * 1000).toISOString())}
          </span>
        ) : null}
      </div>
      {app.message ? (
        <p className="serve-message" data-testid="app-message">
          {app.message}
        </p>
      ) : null}
      <ul className="serve-deployments">
        {app.deployments.map((d) => (
          <DeploymentRow key={d.name} d={d} />
        ))}
      </ul>
    </li>
  );
}

export function LiveView({ instance }: { instance: ServeInstance }) {
  return (
    <ul className="serve-apps" aria-label="Serve applications" data-testid="serve-live">
      {instance.applications.map((a) => (
        <ApplicationCard key={a.name} app={a} />
      ))}
    </ul>
  );
}
