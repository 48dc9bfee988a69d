/**
 * The alerts list (replica unhealthy, deployment below target, queue growing while GPUs idle,
 * GPU lost or hot, node stale) and the events timeline (replica started / died / restarted,
 * autoscaler decisions, node and GPU lost), newest first, filterable by kind.
 */
import { useState } from 'react';
import type { Alert, MonitorEvent, MonitorEventKind } from '../../../shared';
import { formatTime } from '../../ui';

const iso = (ms: number) => new Date(ms).toISOString();

export function AlertsList({ alerts }: { alerts: readonly Alert[] }) {
  if (alerts.length === 0)
    return (
      <p className="muted" data-testid="alerts-none">
        No alerts: every replica is healthy, deployments are at target, no GPU is lost or hot.
      </p>
    );
  const order = { critical: 0, warning: 1, info: 2 } as const;
  const sorted = [...alerts].sort(
    (a, b) => order[a.severity] - order[b.severity] || a.since - b.since,
  );
  return (
    <ul className="alerts" aria-label="Alerts" data-testid="alerts">
      {sorted.map((a) => (
        <li
          key={a.key}
          className={`alert alert-${a.severity}`}
          data-testid="alert"
          data-kind={a.kind}
          data-severity={a.severity}
          data-subject={a.subject}
        >
          <span className={`badge sev-${a.severity}`}>{a.severity}</span>
          <span className="alert-message">{a.message}</span>
          <span className="muted small">since {formatTime(iso(a.since))}</span>
        </li>
      ))}
    </ul>
  );
}

const GROUPS: { id: string; label: string; kinds: MonitorEventKind[] | null }[] = [
  { id: 'all', label: 'All', kinds: null },
  {
    id: 'replicas',
    label: 'Replicas',
    kinds: ['replica-started', 'replica-died', 'replica-restarted', 'replica-state'],
  },
  {
    id: 'scaling',
    label: 'Autoscaler and scaling',
    kinds: ['autoscaler', 'scale', 'deployment-status'],
  },
  {
    id: 'hardware',
    label: 'Nodes and GPUs',
    kinds: ['node-lost', 'node-back', 'gpu-lost', 'gpu-back', 'gpu-xid'],
  },
];

export function EventsTimeline({ events }: { events: readonly MonitorEvent[] }) {
  const [group, setGroup] = useState('all');
  const kinds = GROUPS.find((g) => g.id === group)?.kinds ?? null;
  const shown = events
    .filter((e) => !kinds || kinds.includes(e.kind))
    .slice()
    .reverse();
  return (
    <section aria-label="Events timeline">
      <div className="timeline-filter" role="group" aria-label="Show events">
        {GROUPS.map((g) => (
          <button
            key={g.id}
            type="button"
            className={g.id === group ? 'btn small active' : 'btn ghost small'}
            aria-pressed={g.id === group}
            onClick={() => setGroup(g.id)}
          >
            {g.label}
          </button>
        ))}
      </div>
      {shown.length === 0 ? (
        <p className="muted" data-testid="timeline-empty">
          Nothing happened yet: replica starts and deaths, autoscaler decisions and lost nodes or
          GPUs show here as they happen.
        </p>
      ) : (
        <ol className="timeline" data-testid="timeline">
          {shown.map((e) => (
            <li
              key={e.seq}
              className={`timeline-entry sev-${e.severity}`}
              data-testid="timeline-entry"
              data-kind={e.kind}
              data-subject={e.subject}
            >
              <time dateTime={iso(e.at)}>{formatTime(iso(e.at))}</time>
              <span className="badge">{e.kind.replace(/-/g, ' ')}</span>
              <span>{e.message}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
