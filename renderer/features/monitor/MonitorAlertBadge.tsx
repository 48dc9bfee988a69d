/** The count of active alerts on monitored clusters, beside "Monitor" in the sidebar (nothing when none). */
import { useAlertCounts } from './use-monitor';

export function MonitorAlertBadge() {
  const n = useAlertCounts();
  if (!n) return null;
  return (
    <span
      className="count-badge"
      data-testid="nav-monitor-alerts"
      aria-label={`${n} alert${n === 1 ? '' : 's'}`}
    >
      {n}
    </span>
  );
}
