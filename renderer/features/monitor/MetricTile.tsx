/**
 * One measured number as a tile: its label, the value in its unit, "no value" when the core has
 * none (never 0), and "stale" when the value is older than a few periods. data-value carries
 * the raw number ('' for no value) for tests and page objects.
 */
import type { Measured } from '../../../shared';
import { formatMeasured } from './monitor-model';

export function MetricTile({
  label,
  m,
  unit = '',
  scale = 1,
  testId,
}: {
  label: string;
  m: Measured;
  unit?: string;
  /** Multiplies the value for display (0..1 -> % with 100). */
  scale?: number;
  testId?: string;
}) {
  const v = m.value === null ? null : m.value * scale;
  return (
    <div
      className={`metric-tile${m.stale ? ' stale' : ''}${v === null ? ' no-value' : ''}`}
      data-testid={testId}
      data-value={m.value ?? ''}
      data-stale={m.stale}
    >
      <span className="metric-label">{label}</span>
      <span className="metric-value">{formatMeasured(v, unit)}</span>
      {m.stale ? <span className="metric-stale">stale</span> : null}
    </div>
  );
}
