/**
 * Per-stage timings of one answer as horizontal bars (plain CSS), longest first, each labelled
 * with its stage and milliseconds; widths relative to the slowest stage. A stage's time includes
 * the stages it called (the app builder measures each stage around its own work and calls).
 */
import { formatNumber } from '../../ui';

export function TimingBars({ timings }: { timings: Record<string, number> }) {
  const rows = Object.entries(timings)
    .filter(([, ms]) => Number.isFinite(ms))
    .sort((a, b) => b[1] - a[1]);
  if (rows.length === 0) return <p className="muted small">The answer carried no timings.</p>;
  const max = Math.max(...rows.map(([, ms]) => ms), 1);
  return (
    <ul className="pl-timings" aria-label="Per-stage timings" data-testid="try-timings">
      {rows.map(([stage, ms]) => (
        <li
          key={stage}
          className="pl-timing"
          data-testid="try-timing"
          data-stage={stage}
          data-ms={ms}
        >
          <span className="pl-timing-stage mono">{stage}</span>
          <span className="pl-timing-track">
            <span
              className="pl-timing-bar"
              style={{ width: `${Math.max(1, (ms / max) * 100)}%` }}
            />
          </span>
          <span className="pl-timing-ms">{formatNumber(Math.round(ms * 10) / 10)} ms</span>
        </li>
      ))}
    </ul>
  );
}
